"""MaintainX command line and the launcher that runs the whole system on embedded defaults."""
