"""Where the public datasets live: ``MAINTAINX_DATASETS_DIR``, else ``shared/datasets`` beside an ancestor."""

from __future__ import annotations

import os
from pathlib import Path

from model_registry.evaluation.errors import DatasetNotFoundError

ENV_VAR = "MAINTAINX_DATASETS_DIR"


def datasets_dir() -> Path:
    """The datasets folder (holding ``nab/`` and ``ai4i2020/``)."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    # The repo and the shared folder are siblings (/work/main and /work/shared, the same in CI).
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "datasets"
        if candidate.is_dir():
            return candidate
    raise DatasetNotFoundError(f"no shared/datasets folder above {Path(__file__).resolve()}; set {ENV_VAR}")
