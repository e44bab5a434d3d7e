"""Reliability figures (ticket precision, lead time, missed failures, MTTR, MTBF) and CSV exports."""
