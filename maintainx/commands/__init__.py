"""Subcommands of the ``maintainx`` command line; each module exposes ``register(subparsers)``."""
