"""``python -m workbook.cli``: the same as the ``workbook`` command."""

import sys

from . import main

sys.exit(main())
