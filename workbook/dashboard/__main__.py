"""``python -m workbook.dashboard``: serve a notebooks folder, or write voila.json."""

import sys

from .server import main

sys.exit(main())
