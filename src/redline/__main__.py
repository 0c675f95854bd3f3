"""The `redline` command (and `python -m redline`).

Kept apart from `redline.cli` so that a Ctrl-C while the command line is still being imported
is one line and exit 130, like a Ctrl-C at any later moment, never a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line."""
    try:
        from redline.cli import main as cli  # noqa: PLC0415 - the import is what is guarded

        cli(prog_name="redline")
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
