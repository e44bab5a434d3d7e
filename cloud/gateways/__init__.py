"""Gateways: the edge boxes that serve machines, with the status they last reported."""
