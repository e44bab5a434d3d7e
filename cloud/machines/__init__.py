"""Machines on the factory floor, registered from their gateway's status."""
