"""Sensor readings (temperature, vibration, rpm) as stored exactly once from the edge."""
