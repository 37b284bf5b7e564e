"""authoring/: the author's tools outside the build: `casesite new` and `casesite quotes`."""
