"""``python -m maintainx``: the same as the ``maintainx`` command."""

import sys

from maintainx.cli import main

sys.exit(main())
