"""render/: the HTML pages: the Jinja environment, views, facets, totals, i18n."""
