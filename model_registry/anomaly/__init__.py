"""Streaming, causal anomaly detection for sensor series (numpy only, so it can run on a gateway)."""

from model_registry.anomaly.detector import DetectorConfig, StreamingDetector, score_series

__all__ = ["DetectorConfig", "StreamingDetector", "score_series"]
