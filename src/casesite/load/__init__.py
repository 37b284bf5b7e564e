"""load/: the site's files read safely: folders, text, front matter, strict YAML, assets."""
