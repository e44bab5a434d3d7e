"""``python -m cloud.broker provision --gateways gw-01,gw-02 --out DIR``: write broker security files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cloud.broker.errors import BrokerSecurityError
from cloud.broker.provision import DEFAULT_INGEST_WORKERS, provision, service_usernames


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m cloud.broker", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    prov = commands.add_parser(
        "provision", help="write Mosquitto's passwd and acl files and every client's credentials"
    )
    prov.add_argument("--gateways", required=True, help="comma-separated gateway ids, e.g. gw-01,gw-02")
    prov.add_argument("--out", required=True, type=Path, help="folder for the files (created if missing)")
    prov.add_argument(
        "--ingest-workers",
        type=int,
        default=DEFAULT_INGEST_WORKERS,
        help=f"ingestion workers to give a login each (default {DEFAULT_INGEST_WORKERS})",
    )
    prov.add_argument("--rotate", action="store_true", help="issue new passwords for every client")
    args = parser.parse_args(argv)
    try:
        result = provision(
            args.out, args.gateways.split(","), rotate=args.rotate, ingest_workers=args.ingest_workers
        )
    except BrokerSecurityError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {result.password_file} and {result.acl_file}")
    print(
        f"gateway logins: {args.out}/gateways/<id>.env; cloud logins: {args.out}/services/<role>.env, "
        f"one services/ingest-<k>.env per ingestion worker"
    )
    print(f"cloud usernames: {', '.join(service_usernames(args.ingest_workers))}")
    print(
        "Point Mosquitto at them (password_file, acl_file, allow_anonymous false, use_username_as_clientid "
        "true) and send it SIGHUP (a restart when use_username_as_clientid is new)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
