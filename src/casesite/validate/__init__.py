"""validate/: front matter, settings, programmes and approvals to typed, frozen values."""
