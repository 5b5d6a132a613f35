"""``python -m sigil.cli``: the same as the ``sigil`` command."""

import sys

from sigil.cli import main

sys.exit(main())
