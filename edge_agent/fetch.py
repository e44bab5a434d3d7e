"""Preparing a model update: verify the signed manifest, download with resume, install. Run in a child.

``python -m edge_agent.fetch --store DIR --keys DIR --window N [--current-serial N]`` reads one
ModelUpdateCommand (JSON) on stdin and prints one JSON result line. The agent runs it as a child process
so that ``cryptography`` (about 8 MB of resident memory) is loaded by a short-lived process and never by
the agent itself. The child dies with the thread that started it (PR_SET_PDEATHSIG on Linux), and holds
a lock on the download while it writes, so a restarted agent and a leftover child never share a file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract.codec import ContractError, decode
from contract.payloads import ModelUpdateCommand
from edge_agent import trust
from edge_agent.errors import ModelError
from edge_agent.updater import DownloadError, ModelStore, download

logger = logging.getLogger(__name__)

# Download attempts per update, resuming each time, and the pause between them.
DOWNLOAD_ATTEMPTS = 5
DOWNLOAD_RETRY_S = 2.0
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class Prepared:
    """A verified update installed in the store, ready to load."""

    folder: Path
    version: str
    serial: int


def prepare(
    command: ModelUpdateCommand,
    *,
    store: ModelStore,
    keys_dir: Path | None,
    window: int,
    current_serial: int | None,
) -> Prepared:
    """Verify ``command``'s signed manifest, fetch and check the bytes, install them; raise on refusal."""
    if keys_dir is None:
        raise trust.UnsignedError("this agent has no keys_dir, so it trusts no signed model")
    keys = trust.load_trusted_keys(keys_dir)
    if not keys:
        raise trust.UnsignedError(f"no trusted public keys in {keys_dir}")
    payload = trust.verify_envelope(command.envelope, keys)
    if payload.version != command.version:
        raise trust.SignatureError(
            f"the command names {command.version}, the signed manifest {payload.version}"
        )
    if command.mode == "deploy":
        trust.admit(payload, current_serial=current_serial, pinned=command.pinned)
    manifest = payload.model_manifest()  # ManifestError (a ContractError) when it is not a loadable manifest
    if manifest.window != window:
        raise trust.TrustError(
            f"{payload.version} expects windows of {manifest.window} samples, "
            f"this agent keeps {window}; reinstall the agent to change the window"
        )
    import fcntl  # POSIX file locks; gateways run Linux

    part = store.part_path(payload.sha256)
    with part.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a leftover child of a killed agent finishes or dies first
        for attempt in range(1, DOWNLOAD_ATTEMPTS + 1):
            try:
                download(command.url, part, payload)
                break
            except DownloadError as exc:
                if attempt == DOWNLOAD_ATTEMPTS:
                    raise
                logger.warning("attempt %d: %s; resuming in %.0f s", attempt, exc, DOWNLOAD_RETRY_S)
                time.sleep(DOWNLOAD_RETRY_S)
        folder = store.install(payload, command.envelope, part)
    return Prepared(folder, payload.version, payload.serial)


def prepare_in_child(
    command: ModelUpdateCommand,
    *,
    store: ModelStore,
    keys_dir: Path | None,
    window: int,
    current_serial: int | None,
) -> Prepared:
    """``prepare`` in a child process; its refusals come back as the same exception types."""
    import subprocess

    from contract.codec import encode

    argv = [sys.executable, "-m", "edge_agent.fetch", "--store", str(store.root), "--window", str(window)]
    if keys_dir is not None:
        argv += ["--keys", str(keys_dir)]
    if current_serial is not None:
        argv += ["--current-serial", str(current_serial)]
    done = subprocess.run(argv, input=encode(command), capture_output=True, check=False)
    try:
        result = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (IndexError, ValueError) as exc:
        tail = done.stderr.decode(errors="replace")[-500:]
        raise ModelError(f"update helper exited {done.returncode} without a result: {tail}") from exc
    if result["ok"]:
        return Prepared(Path(result["folder"]), result["version"], int(result["serial"]))
    raise _error(result["kind"], result["reason"], result["detail"])


def _error(kind: str, reason: str, detail: str) -> ModelError:
    if kind == "trust":
        error = trust.TrustError(detail)
        error.reason = reason
        return error
    return DownloadError(detail) if kind == "download" else ModelError(detail)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the agent thread that started it ends."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the download lock still keeps two writers apart


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child: one command on stdin, one JSON result on stdout."""
    parser = argparse.ArgumentParser(prog="python -m edge_agent.fetch")
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--keys", type=Path)
    parser.add_argument("--window", type=int, required=True)
    parser.add_argument("--current-serial", type=int)
    args = parser.parse_args(argv)
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:
        return 1  # the agent died before the request above took effect
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    try:
        command = decode(sys.stdin.buffer.read(), ModelUpdateCommand)
        prepared = prepare(
            command,
            store=ModelStore(args.store),
            keys_dir=args.keys,
            window=args.window,
            current_serial=args.current_serial,
        )
        result = {
            "ok": True,
            "folder": str(prepared.folder),
            "version": prepared.version,
            "serial": prepared.serial,
        }
    except trust.TrustError as exc:
        result = {"ok": False, "kind": "trust", "reason": exc.reason, "detail": str(exc)}
    except DownloadError as exc:
        result = {"ok": False, "kind": "download", "reason": "download", "detail": str(exc)}
    except (ModelError, ContractError, OSError) as exc:
        result = {"ok": False, "kind": "model", "reason": "invalid", "detail": str(exc)}
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
