#!/usr/bin/env python3
"""Build the site in the current folder: `python build.py` is `casesite build`.

Arguments are passed on to the casesite command line: `python build.py check`,
`python build.py --out public` (a build with options), `python build.py new my-story`.
"""

import sys
from pathlib import Path

_SRC = Path(__file__).resolve().parent / "src"
if (_SRC / "casesite").is_dir():
    sys.path.insert(0, str(_SRC))

from casesite.cli import COMMANDS, main  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help", "--version")):
        args = ["build", *args]
    sys.exit(main(args))
