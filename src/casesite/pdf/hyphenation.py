"""Hyphenation patterns for the briefs' languages: parsed once a build and kept in the cache.

WeasyPrint hyphenates with pyphen, which parses a language's hyph_*.dic file the first time
a process hyphenates a word in that language: 0.48 s of CPU for Hungarian (a 1 MB file),
0.05 s for English, 0.02 s for Czech or Slovak, in every build and in each worker that lays
out a brief. `preload` puts the parsed patterns of the languages the briefs to render are
written in into pyphen's own cache (`pyphen.hdcache`, where `pyphen.Pyphen` looks first)
before the workers are forked, so that they inherit them; it reads them from the build
cache when they are there (0.08 s for Hungarian) and keeps them there when they are not.
A language it misses is parsed by pyphen when needed, as without it: the briefs are the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyphen  # type: ignore[import-untyped]

from casesite.incremental.store import Store, digest

HYPHENATION = "hyphenation"  # in the build cache: parsed patterns, by the file's digest

_LANG = re.compile(r'\blang="([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)"')


def languages(htmls: Iterable[str]) -> set[str]:
    """The languages named by lang="..." attributes in `htmls` (a brief's and its quotes')."""
    return {lang for html in htmls for lang in _LANG.findall(html)}


def _dictionary(lang: str) -> Path | None:
    """The pattern file pyphen uses for `lang`, as WeasyPrint asks for it; None if none."""
    name = pyphen.language_fallback(lang)
    path = pyphen.LANGUAGES.get(name) if name else None
    return Path(path) if path is not None else None


def preload(langs: Iterable[str], store: Store) -> None:
    """The patterns of each of `langs` in pyphen's cache, from `store` or parsed now (and
    kept in `store`)."""
    paths = {path for path in map(_dictionary, sorted(set(langs))) if path is not None}
    for path in sorted(paths):
        if path in pyphen.hdcache:
            continue
        data = path.read_bytes()
        name = f"{HYPHENATION}/{digest(pyphen.__version__, path.name, data)}.pickle"
        kept = store.read_pickle(name, lambda value: isinstance(value, pyphen.HyphDict))
        if kept is None:
            kept = pyphen.HyphDict(path)
            store.write_pickle(name, kept)  # before any word is hyphenated: no words kept
        pyphen.hdcache[path] = kept
