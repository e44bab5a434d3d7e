"""Maintenance tickets: opened by the ticket policy, worked through by technicians."""
