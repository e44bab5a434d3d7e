"""onnxruntime's own (ORT) format of a verified model, derived on the gateway, to load in less memory.

onnxruntime keeps an ONNX model's protobuf graph beside its own copy of every attribute; from its
flatbuffer (ORT) format it keeps less (measured: the default forest's session is ~3 MiB smaller). The
gateway derives the ORT file itself, from the ONNX file it verified against the signed manifest, rather
than receiving one: an ORT file is only guaranteed to load in the onnxruntime that wrote it or a newer one,
and gateways in a fleet need not run the same version. The conversion runs in a child process (the agent
never holds two sessions or the converter's temporaries), checks that both files give the same scores, and
writes the result under the ONNX file's sha256 and this onnxruntime's version, with a record of its own
size and sha256: a new model or a new onnxruntime means a new conversion, never a stale or altered file.
The ONNX file stays the source of truth: without a verified ORT file the agent loads it, as before.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from contract.features import N_FEATURES
from edge_agent.errors import ModelError
from edge_agent.files import identity, size_and_sha256

logger = logging.getLogger(__name__)

# Seconds a conversion may take in the child; the default model converts in about two.
CONVERT_TIMEOUT_S = 120.0
# Both formats run the same kernels on the same trees, so their scores agree exactly; the slack only
# covers a float rounding difference that a graph rewrite could bring.
PARITY_TOLERANCE = 1e-6
# Rows of probe features the two sessions score for the parity check.
_PROBE_ROWS = 256


def _paths(cache_dir: Path, onnx_sha256: str) -> tuple[Path, Path]:
    """The ORT file and its record for an ONNX file of ``onnx_sha256`` under this onnxruntime."""
    stem = f"{onnx_sha256}-{ort.__version__}"
    return cache_dir / f"{stem}.ort", cache_dir / f"{stem}.json"


def cached(cache_dir: Path, onnx_sha256: str) -> tuple[Path, tuple[int, int, int, int]] | None:
    """The ORT file derived from the ONNX file ``onnx_sha256`` and its identity as it was hashed, if it
    exists and matches its record; else None."""
    model, record_path = _paths(cache_dir, onnx_sha256)
    try:
        record = json.loads(record_path.read_text())
        before = identity(model)
        size, sha256 = size_and_sha256(model)
        unchanged = identity(model) == before
    except (OSError, ValueError):
        return None
    expected = {"onnx_sha256": onnx_sha256, "onnxruntime": ort.__version__, "size": size, "sha256": sha256}
    if record != expected or not unchanged:
        logger.warning("%s does not match its record; the ONNX model is loaded instead", model)
        return None
    return model, before


def convert(onnx_path: Path, onnx_sha256: str, cache_dir: Path) -> Path:
    """Write the ORT form of the ONNX file (which must hash to ``onnx_sha256``) and its record."""
    data = onnx_path.read_bytes()  # hashed, converted and compared as these very bytes
    if hashlib.sha256(data).hexdigest() != onnx_sha256:
        raise ModelError(f"{onnx_path}: sha256 differs from the verified {onnx_sha256}")
    model, record_path = _paths(cache_dir, onnx_sha256)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".convert.", suffix=".ort", dir=cache_dir)
    os.close(fd)
    try:
        options = _options()
        options.optimized_model_filepath = tmp
        options.add_session_config_entry("session.save_model_format", "ORT")
        source = _session(data, options)
        _check_parity(source, _session(tmp, _options()), onnx_path)
        size, sha256 = size_and_sha256(Path(tmp))
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, model)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    record = {"onnx_sha256": onnx_sha256, "onnxruntime": ort.__version__, "size": size, "sha256": sha256}
    _write_atomically(record_path, json.dumps(record).encode())
    logger.info("converted %s to onnxruntime's format: %s (%d bytes)", onnx_path, model, size)
    return model


def ensure(
    onnx_path: Path, onnx_sha256: str, cache_dir: Path
) -> tuple[Path, tuple[int, int, int, int]] | None:
    """``cached``, after converting the verified ONNX file in a child process if needed; None on failure."""
    found = cached(cache_dir, onnx_sha256)
    if found is not None:
        return found
    argv = [sys.executable, "-m", "edge_agent.ort_format", str(onnx_path), onnx_sha256, str(cache_dir)]
    try:
        done = subprocess.run(argv, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        reason = str(exc)
    else:
        if done.returncode == 0:
            return cached(cache_dir, onnx_sha256)
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
    logger.warning("converting %s to onnxruntime's format failed (%s); loading it as ONNX", onnx_path, reason)
    return None


def prune(cache_dir: Path, onnx_sha256s: set[str]) -> None:
    """Delete every ORT file and record but those of ``onnx_sha256s`` under this onnxruntime."""
    keep = {path.name for sha256 in onnx_sha256s for path in _paths(cache_dir, sha256)}
    try:
        entries = list(cache_dir.iterdir())
    except OSError:
        return
    for path in entries:
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _options() -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # What the agent runs with (edge_agent.inference), so the file holds the graph the agent would build.
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    return options


def _session(model: bytes | str, options: ort.SessionOptions) -> ort.InferenceSession:
    try:
        return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own unexported exception types
        raise ModelError(f"onnxruntime cannot load it: {exc}") from exc


def _check_parity(onnx: ort.InferenceSession, converted: ort.InferenceSession, where: Path) -> None:
    """Refuse a conversion whose scores differ from the ONNX model's on probe features."""
    feed = onnx.get_inputs()[0].name
    # Probe rows around the scale of real features (rpm ~1e3, vibration ~1) and far outside it.
    rng = np.random.default_rng(0)
    scale = np.logspace(-2, 4, _PROBE_ROWS, dtype=np.float32)[:, None]
    probe = (rng.standard_normal((_PROBE_ROWS, N_FEATURES)) * scale).astype(np.float32)
    for want, got in zip(onnx.run(None, {feed: probe}), converted.run(None, {feed: probe}), strict=True):
        if want.shape != got.shape or not np.allclose(want, got, rtol=0.0, atol=PARITY_TOLERANCE):
            raise ModelError(f"{where}: the ORT form scores differently from the ONNX model")


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".record.", dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child: convert one verified ONNX file; exit 1 with the reason on stderr."""
    parser = argparse.ArgumentParser(prog="python -m edge_agent.ort_format")
    parser.add_argument("onnx", type=Path)
    parser.add_argument("sha256")
    parser.add_argument("cache_dir", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    try:
        convert(args.onnx, args.sha256, args.cache_dir)
    except (ModelError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
