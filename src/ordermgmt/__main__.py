"""``python -m ordermgmt``: see :mod:`ordermgmt.cli`."""

from ordermgmt.cli import main

raise SystemExit(main())
