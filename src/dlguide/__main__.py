"""Run dlguide as ``python -m dlguide``."""

from dlguide.cli import main

main()
