"""Evaluation on real public data: the NAB scorer and runner, and cross-validation on AI4I 2020."""
