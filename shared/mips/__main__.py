"""``python -m mips`` is the same as the ``mips`` console script."""

import sys

from .cli import main

sys.exit(main())
