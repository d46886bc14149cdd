"""Security: permissions, roles, local-role providers (guest expiry), guards."""
