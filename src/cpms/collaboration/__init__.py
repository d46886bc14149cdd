"""Panel collaboration (issue 4): the panel, meetings, medical files, the
outcome report PDF and the dashboards.  Pure logic lives here; views,
services, types and subscribers register it from the area packages."""
