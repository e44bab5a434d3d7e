"""Training pipeline: simulator fleets -> labelled feature windows -> classifier + anomaly detector -> ONNX.

scikit-learn, skl2onnx and onnx are needed here only (the ``train`` extra); a gateway never imports this.
"""
