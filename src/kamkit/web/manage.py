"""Django's management commands for kamkit: ``kamkit manage COMMAND`` or
``python -m kamkit.web.manage COMMAND``."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamkit.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv or sys.argv)


if __name__ == "__main__":
    main()
