"""Preventive maintenance: schedules, meters and the scheduler that turns them into work orders."""
