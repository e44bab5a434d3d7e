#!/usr/bin/env python3
"""The API's OpenAPI schema, built from the code alone, and the dashboard's TypeScript types made from it.

The dashboard's API types are generated, never written by hand (``make api-client``), and a test compares
the committed types with ones generated from the current code. Both need the same bytes for the same code:
the settings are the defaults, never MAINTAINX_* variables, and the JSON keys are sorted. Nothing outside
the process is touched (no database, no broker): the app is built, its lifespan never runs.

Usage: ``python scripts/openapi_dump.py [--out SCHEMA.json] [--client TYPES.ts]``; with neither, the
schema goes to standard output.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from cloud.app import create_app
from cloud.config import Settings

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard"
# The committed output of the generator, which dashboard/src/types/api.ts re-exports under its own names.
CLIENT_TYPES = DASHBOARD / "src" / "types" / "openapi.gen.ts"
# openapi-typescript, a devDependency of the dashboard pinned in its package-lock.json.
GENERATOR = DASHBOARD / "node_modules" / ".bin" / "openapi-typescript"


class GeneratorError(RuntimeError):
    """openapi-typescript is missing or refused the schema."""


def schema_app() -> FastAPI:
    """The API as it serves requests, built without reading the environment or connecting anywhere."""
    # model_construct takes the defaults without validating or reading MAINTAINX_* variables; demo lends a
    # throw-away signing key so that create_app does not refuse to build.
    return create_app(Settings.model_construct(demo=True))


def schema_json(app: FastAPI) -> str:
    """``app``'s OpenAPI schema as stable JSON text: sorted keys, two-space indent, final newline."""
    schema: dict[str, Any] = app.openapi()
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def client_types(schema_text: str) -> str:
    """The TypeScript types openapi-typescript makes from ``schema_text`` (the text of openapi.gen.ts)."""
    if not GENERATOR.exists():
        raise GeneratorError(f"{GENERATOR} is missing: run `cd dashboard && npm ci` first")
    with tempfile.TemporaryDirectory(prefix="maintainx-openapi-") as tmp:
        schema_file = Path(tmp) / "openapi.json"
        schema_file.write_text(schema_text, encoding="utf-8")
        # Without --output the generator writes the types to standard output and its banner nowhere.
        done = subprocess.run(
            [str(GENERATOR), str(schema_file)],
            cwd=DASHBOARD,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise GeneratorError(f"openapi-typescript failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def main(argv: list[str] | None = None) -> int:
    """Write the schema (--out or standard output) and, with --client, the generated types."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, help="where to write the schema JSON")
    parser.add_argument("--client", type=Path, help=f"where to write the TypeScript types ({CLIENT_TYPES})")
    args = parser.parse_args(argv)
    text = schema_json(schema_app())
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    if args.client is not None:
        try:
            args.client.write_text(client_types(text), encoding="utf-8")
        except GeneratorError as exc:
            print(f"openapi_dump: {exc}", file=sys.stderr)
            return 1
    if args.out is None and args.client is None:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
