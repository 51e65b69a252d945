#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    # Commands (migrations, sweeps, reports) get the database's longer task timeouts; the
    # development server answers web requests and keeps the web ones.
    if sys.argv[1:2] != ["runserver"]:
        os.environ.setdefault("SHOP_DB_PROCESS", "task")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
