"""``python -m mgis.cli``."""

import sys

from mgis.cli import main

sys.exit(main())
