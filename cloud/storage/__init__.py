"""Storage at scale: time partitions of ``sensor_data`` and ``predictions``, retention, and reading roll-ups.

``sensor_data`` and ``predictions`` are range-partitioned by event time into one partition per UTC day,
kept in the ``partitions`` schema, with a DEFAULT partition that takes any row no day partition covers (so
a very old or future timestamp never fails an insert). ``maintain`` creates the days ahead, moves rows
the DEFAULT partition holds into their own day partitions, and drops days older than the retention.
Roll-ups (``sensor_rollup_1m``, ``sensor_rollup_1h``) are kept up to date by a statement trigger as
rows are inserted; see ``cloud.storage.rollups``.
"""
