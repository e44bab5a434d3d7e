"""Model verdicts made at the edge (failure probability, anomaly score), stored exactly once."""
