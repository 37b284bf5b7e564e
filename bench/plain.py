"""A plain Python site generator, as a reference point for the benchmark (not casesite).

    python bench/plain.py CASE_STUDIES_FOLDER OUT_FOLDER [PROCESSES]

The pipeline issue 7 measured before casesite was fast: python-frontmatter (PyYAML's C
loader), markdown-it-py and Jinja2, with the pages shared among processes. It renders the
pages the Hugo peer renders (peers.py), with templates as small as Hugo's: one per case
study, an index, one listing per facet value, and a sitemap.

It checks nothing. What casesite does besides, and this leaves out, is what the
difference between the two costs: strict YAML (here, the country code NO is read as
False and its page goes to countries/false/), the schema, the quote gate, the link check,
the page cache, the facts formatted for each language, full pages (about 2.4 times the
HTML), the feeds and data exports, and the swap of the finished site into place.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

import frontmatter
from jinja2 import DictLoader, Environment
from markdown_it import MarkdownIt
from markupsafe import Markup

BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title><link rel="stylesheet" href="/assets/site.css"></head>
<body><main id="main">{% block main %}{% endblock %}</main></body></html>
"""
SINGLE = """{% extends "base" %}{% block main %}<article><h1>{{ cs.title }}</h1>
<p>{{ cs.summary }}</p>
<dl><dt>Network</dt><dd>{{ cs.network }}</dd><dt>Country</dt><dd>{{ cs.country }}</dd>
<dt>Grant</dt><dd>{{ cs.grant.currency }} {{ "{:,}".format(cs.grant.amount) }}</dd>
<dt>Support</dt><dd>{{ cs.support_hours }} hours</dd>
<dt>Change observed</dt><dd>{{ cs.change_period }}</dd>
<dt>Developed by</dt><dd>{{ cs.developed_by }}</dd></dl>
{{ body }}</article>{% endblock %}
"""
LIST = """{% extends "base" %}{% block main %}<h1>{{ title }}</h1><ul>{% for cs in items %}
<li><a href="/case-studies/{{ cs.slug }}/">{{ cs.title }}</a> {{ cs.summary }}
{{ cs.country }} {{ cs.network }}</li>{% endfor %}</ul>{% endblock %}
"""
SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{% for url in urls %}
<url><loc>https://example.org/stronger-roots/{{ url }}</loc></url>{% endfor %}
</urlset>
"""

env = Environment(
    loader=DictLoader({"base": BASE, "single": SINGLE, "list": LIST, "sitemap": SITEMAP}),
    autoescape=True,
)
md = MarkdownIt("commonmark")
OUT = Path()


def parse(path: str) -> dict[str, Any]:
    post = frontmatter.load(path)
    return {**post.metadata, "slug": Path(path).stem, "body": post.content}


def facet_values(cs: dict[str, Any]) -> list[tuple[str, str]]:
    """(folder, value) of each facet page the case study is listed on."""
    one_each = {
        "countries": cs["country"],
        "networks": cs["network"],
        "programmes": cs["programme"],
        "years": str(cs["change_period"])[:4],
    }
    pairs = [(folder, str(value)) for folder, value in one_each.items()]
    return pairs + [("themes", str(theme)) for theme in cs.get("themes") or []]


def slug(value: str) -> str:
    return "-".join(value.lower().split())


def write(rel: str, html: str) -> None:
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


def render(job: tuple[str, Any]) -> str:
    kind, item = job
    if kind == "case study":
        body = Markup(md.render(item["body"]))
        rel = f"case-studies/{item['slug']}/index.html"
        write(rel, env.get_template("single").render(title=item["title"], cs=item, body=body))
    else:
        rel, title, items = item
        write(rel, env.get_template("list").render(title=title, items=items))
    return rel


def main() -> None:
    global OUT
    folder, OUT = Path(sys.argv[1]), Path(sys.argv[2]).absolute()
    processes = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count() or 1
    files = sorted(str(p) for p in folder.glob("*.md"))
    for name in ("single", "list"):
        env.get_template(name)  # compiled once, before the processes start
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        studies = pool.map(parse, files, chunksize=64)
        studies.sort(key=lambda cs: (str(cs["published"]), cs["slug"]), reverse=True)
        facets: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for cs in studies:
            for key in facet_values(cs):
                facets.setdefault(key, []).append(cs)

        def card(cs: dict[str, Any]) -> dict[str, Any]:
            return {k: cs[k] for k in ("slug", "title", "summary", "country", "network")}

        jobs: list[tuple[str, Any]] = [("case study", cs) for cs in studies]
        for (name, value), items in sorted(facets.items()):
            rel = f"{name}/{slug(value)}/index.html"
            jobs.append(("list", (rel, value, [card(cs) for cs in items])))
        jobs.append(("list", ("index.html", "Case studies", [card(cs) for cs in studies])))
        pages = pool.map(render, jobs, chunksize=64)
    urls = [page.removesuffix("index.html") for page in pages]
    write("sitemap.xml", env.get_template("sitemap").render(urls=urls))


if __name__ == "__main__":
    main()
