"""check/: the content's Markdown, links and quotations, checked before anything is written."""
