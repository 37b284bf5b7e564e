"""serve/: `casesite serve`, the live preview (the livereload boundary)."""
