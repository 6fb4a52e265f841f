"""`python -m kb` runs the command-line tool."""

from kb.cli import main

raise SystemExit(main())
