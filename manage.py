#!/usr/bin/env python
"""Django's command-line utility for ATMT."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atmt.settings")
    from django.core.management import execute_from_command_line

    from atmt.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        # One line naming the variable, not a traceback: the operator has a setting to fix.
        sys.exit(f"ATMT configuration error: {error}")


if __name__ == "__main__":
    main()
