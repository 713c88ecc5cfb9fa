"""`python -m bot` is the same as `kam-bot`."""

import sys

from bot.cli import main

sys.exit(main())
