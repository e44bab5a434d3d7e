"""People who use MaintainX: admins, engineers and technicians."""
