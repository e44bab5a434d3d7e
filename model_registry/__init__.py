"""Model registry: the training pipeline (scikit-learn to one ONNX file with a manifest), and later
versions, signing and rollouts of the models the edge agents run."""
