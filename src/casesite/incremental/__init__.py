"""incremental/: what a build keeps in .casesite-cache/ to skip work a change does not touch."""
