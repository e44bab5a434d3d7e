"""The AI engine: turns the predictions the gateways send into maintenance tickets, and learns from them.

:mod:`cloud.engine.policy` decides (pure logic, no I/O); :mod:`cloud.engine.runner` feeds it from
PostgreSQL and applies its decisions, assigning a technician (:mod:`cloud.engine.assign`) and explaining the
ticket (:mod:`cloud.engine.explain`); :mod:`cloud.engine.retrain` turns resolved tickets' outcomes into
training labels for the next model version. See ``docs/ai-engine.md``.
"""
