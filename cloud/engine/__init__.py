"""The AI engine: turns the predictions the gateways send into maintenance tickets.

:mod:`cloud.engine.policy` decides (pure logic, no I/O); :mod:`cloud.engine.runner` feeds it from
PostgreSQL and applies its decisions.
"""
