"""The same corpus as a Hugo site and as a Pelican site, with minimal equivalent templates.

Each peer gets the same case studies (title, summary, key facts, the Markdown body) and
renders the pages casesite's HTML-only build renders: one per case study, an index, and
one listing per facet value (country, network, programme, year, theme: Hugo's taxonomy
terms, Pelican's category and tags), with a feed. `make_hugo(..., facets=False)` gives
the smaller site of case studies and an index only, for comparison.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

HUGO_CONFIG = """\
baseURL = "https://example.org/stronger-roots/"
languageCode = "en-gb"
title = "Stronger Roots stories"
disableKinds = ["taxonomy", "section", "robotsTXT"]
[outputs]
home = ["HTML", "RSS"]
term = ["HTML"]
[taxonomies]
country = "countries"
network = "networks"
programme = "programmes"
year = "years"
theme = "themes"
[markup.goldmark.renderer]
unsafe = false
"""

# Case studies and an index only: no facet pages, feed or sitemap.
HUGO_CONFIG_PAGES_ONLY = """\
baseURL = "https://example.org/stronger-roots/"
languageCode = "en-gb"
title = "Stronger Roots stories"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}</title><link rel="stylesheet" href="/assets/site.css"></head>
<body><main id="main">{{ block "main" . }}{{ end }}</main></body></html>
"""

HUGO_SINGLE = """\
{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
<dl><dt>Network</dt><dd>{{ .Params.network }}</dd><dt>Country</dt><dd>{{ .Params.country }}</dd>
<dt>Grant</dt><dd>{{ .Params.grant.currency }} {{ lang.FormatNumber 0 .Params.grant.amount }}</dd>
<dt>Support</dt><dd>{{ .Params.support_hours }} hours</dd>
<dt>Change observed</dt><dd>{{ .Params.change_period }}</dd>
<dt>Developed by</dt><dd>{{ .Params.developed_by }}</dd></dl>
{{ .Content }}</article>{{ end }}
"""

HUGO_LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.summary }}
{{ .Params.country }} {{ .Params.network }}</li>{{ end }}</ul>{{ end }}
"""

PELICAN_CONF = """\
SITENAME = "Stronger Roots stories"
SITEURL = ""
PATH = "content"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "theme"
ARTICLE_URL = "case-studies/{slug}/"
ARTICLE_SAVE_AS = "case-studies/{slug}/index.html"
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DIRECT_TEMPLATES = ["index"]
PAGINATED_TEMPLATES = {}
DEFAULT_PAGINATION = False
CATEGORY_URL = "countries/{slug}/"
CATEGORY_SAVE_AS = "countries/{slug}/index.html"
TAG_URL = "facets/{slug}/"
TAG_SAVE_AS = "facets/{slug}/index.html"
FEED_ALL_ATOM = "feed.xml"
AUTHOR_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
LOAD_CONTENT_CACHE = False
"""

PELICAN_ARTICLE = """\
<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ article.title }}</title><link rel="stylesheet" href="/assets/site.css"></head>
<body><main id="main"><article><h1>{{ article.title }}</h1><p>{{ article.summary }}</p>
<dl><dt>Network</dt><dd>{{ article.network }}</dd><dt>Country</dt><dd>{{ article.country }}</dd>
<dt>Grant</dt><dd>{{ article.grant }}</dd><dt>Support</dt><dd>{{ article.support_hours }} hours</dd>
<dt>Change observed</dt><dd>{{ article.change_period }}</dd>
<dt>Developed by</dt><dd>{{ article.developed_by }}</dd></dl>
{{ article.content }}</article></main></body></html>
"""

PELICAN_INDEX = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ SITENAME }}</title></head>
<body><main id="main"><ul>{% for article in articles %}
<li><a href="/{{ article.url }}">{{ article.title }}</a> {{ article.summary }}
{{ article.country }} {{ article.network }}</li>{% endfor %}</ul></main></body></html>
"""

PELICAN_LIST = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ SITENAME }}</title></head>
<body><main id="main"><h1>{{ (tag or category) }}</h1><ul>{% for article in articles %}
<li><a href="/{{ article.url }}">{{ article.title }}</a> {{ article.summary }}
{{ article.country }} {{ article.network }}</li>{% endfor %}</ul></main></body></html>
"""

FRONT = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.DOTALL)


def _split(text: str) -> tuple[dict[str, str], str]:
    m = FRONT.match(text)
    assert m, "corpus files start with front matter"
    fields: dict[str, str] = {}
    current = ""
    for line in m[1].splitlines():
        if line.startswith("  ") and current:
            key, _, value = line.strip().partition(": ")
            fields[f"{current}_{key}"] = value
        else:
            key, _, value = line.partition(":")
            current = key
            fields[key] = value.strip()
    return fields, m[2]


def _list(value: str) -> list[str]:
    """A front matter value as a list: "[a, b]" or "a"."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [v.strip() for v in value[1:-1].split(",") if v.strip()]
    return [value] if value else []


def make_hugo(corpus: Path, out: Path, facets: bool = True) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "content/case-studies").mkdir(parents=True)
    (out / "layouts/_default").mkdir(parents=True)
    (out / "hugo.toml").write_text(HUGO_CONFIG if facets else HUGO_CONFIG_PAGES_ONLY)
    (out / "layouts/_default/baseof.html").write_text(HUGO_BASE)
    (out / "layouts/_default/single.html").write_text(HUGO_SINGLE)
    (out / "layouts/_default/list.html").write_text(HUGO_LIST)
    (out / "layouts/index.html").write_text(HUGO_LIST)
    shutil.copytree(corpus / "assets", out / "static/assets")
    for src in sorted((corpus / "content/case-studies").glob("*.md")):
        fields, _ = _split(src.read_text(encoding="utf-8"))
        extra = [f"date: {fields['published']}"]
        if facets:  # the taxonomies' front matter keys (themes: is already a list)
            extra += [
                f"countries: [{fields['country']}]",
                f'networks: ["{fields["network"]}"]',
                f"programmes: [{fields['programme']}]",
                f'years: ["{fields["change_period"][:4]}"]',
            ]
        text = src.read_text(encoding="utf-8").replace(
            f"published: {fields['published']}",
            "\n".join([f"published: {fields['published']}", *extra]),
            1,
        )
        (out / "content/case-studies" / src.name).write_text(text, encoding="utf-8")
    return out


def make_pelican(corpus: Path, out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    (out / "theme/templates").mkdir(parents=True)
    (out / "theme/static").mkdir(parents=True)
    (out / "pelicanconf.py").write_text(PELICAN_CONF)
    (out / "theme/templates/article.html").write_text(PELICAN_ARTICLE)
    (out / "theme/templates/index.html").write_text(PELICAN_INDEX)
    (out / "theme/templates/tag.html").write_text(PELICAN_LIST)
    (out / "theme/templates/category.html").write_text(PELICAN_LIST)
    for src in sorted((corpus / "content/case-studies").glob("*.md")):
        fields, body = _split(src.read_text(encoding="utf-8"))
        meta = [
            f"Title: {fields['title']}",
            f"Date: {fields['published']}",
            f"Slug: {src.stem}",
            f"Category: {fields['country']}",
            "Tags: "
            + ", ".join(
                [
                    *_list(fields["themes"]),
                    fields["network"],
                    fields["programme"],
                    fields["change_period"][:4],
                ]
            ),
            f"Summary: {fields['summary']}",
            f"Network: {fields['network']}",
            f"Country: {fields['country']}",
            f"Grant: {fields['grant_currency']} {fields['grant_amount']}",
            f"Support_hours: {fields['support_hours']}",
            f"Change_period: {fields['change_period']}",
            f"Developed_by: {fields['developed_by']}",
        ]
        (out / "content" / src.name).write_text("\n".join(meta) + "\n\n" + body, encoding="utf-8")
    return out
