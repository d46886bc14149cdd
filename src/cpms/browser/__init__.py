"""Classic UI views and static resources."""
