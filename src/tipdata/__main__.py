"""``python -m tipdata`` is the same as the ``tipdata`` command."""

from tipdata.cli import main

main()
