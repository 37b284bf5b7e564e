"""`python -m casesite`."""

import sys

from casesite.cli import main

sys.exit(main())
