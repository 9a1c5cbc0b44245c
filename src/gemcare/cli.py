"""The `gemcare` command: Django's manage.py for this project, plus Gemcare's own commands.

Django's commands are named with underscores; the project's own read better with dashes
(`gemcare load-presets`), so dashes are accepted for every command.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "gemcare"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
