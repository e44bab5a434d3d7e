"""The MaintainX edge agent: samples machines, scores windows with an ONNX model, publishes over MQTT."""

__version__ = "0.1.0"
