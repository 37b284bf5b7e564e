"""The `translations:` blocks of site.yml, programme files and approval records: one block
of fields per language, keyed by a language code."""

from __future__ import annotations

from collections.abc import Iterable

from casesite import formatting
from casesite.diagnostics import error
from casesite.model import language_key
from casesite.validate.fields import FieldReader


def language_blocks(
    reader: FieldReader, allowed: Iterable[str], key: str = "translations"
) -> list[tuple[str, FieldReader]]:
    """The optional `translations:` of a file: one block of fields per language, as
    (language key, its reader), sorted by language. An unknown language is an error."""
    if not reader.present(key, False):
        return []
    if not isinstance(reader.mapping[key], dict):
        reader.fail(
            key,
            "wrong-type",
            f"'{reader.name(key)}' must hold one block per language, e.g. 'hu:'",
            f"indent the languages under '{key}:' by two spaces",
        )
        return []
    blocks = FieldReader(reader.doc, (*reader.prefix, key), frozenset(), reader.diagnostics,
                         reader.what)  # fmt: skip
    found: list[tuple[str, FieldReader]] = []
    for lang in sorted(blocks.mapping):
        if not formatting.is_known_language(str(lang)):
            blocks.diagnostics.append(
                error(
                    blocks.key_loc(lang),
                    "unknown-language",
                    f"'{lang}' under '{key}:' is not a language code casesite knows",
                    "use a code such as en, hu, cs or sk",
                )
            )
            continue
        sub = blocks.sub(lang, allowed)
        if sub is not None:
            found.append((language_key(str(lang)), sub))
    return found
