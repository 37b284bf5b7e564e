"""The interface catalogues against the sources: every string the layouts and the code use is
in every catalogue, translated, and no catalogue keeps a string nothing uses any more.

The strings are extracted afresh, as `make messages` does (babel.cfg, `-k forms:1,2`), and
each `src/casesite/locales/<lang>/LC_MESSAGES/casesite.po` and the template are compared
with them. A failure names the string and the catalogue; `make messages` brings the
template and the catalogues up to date, and the new strings then need translating.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from casesite import formatting

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "src" / "casesite" / "locales"
KEYWORDS = {**DEFAULT_KEYWORDS, "forms": (1, 2)}
LANGUAGES = ("en", "cs", "sk", "hu")
Key = tuple[str, str | None]  # (msgid, context)


def extracted() -> dict[Key, object]:
    """Every interface string in the layouts and the code, as `make messages` finds them."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[Key, object] = {}
    for _file, _line, message, _comments, context in extract_from_dir(
        str(REPO), method_map, options_map, keywords=KEYWORDS
    ):
        singular = message[0] if isinstance(message, tuple) else message
        found[(singular, context)] = message
    return found


def _key(message_id: str | tuple[str, ...], context: str | None) -> Key:
    return (message_id[0] if isinstance(message_id, tuple) else message_id, context)


def catalogue_problems(path: Path, sources: dict[Key, object]) -> list[str]:
    """What is wrong with one catalogue, one line per string, naming it."""
    with path.open("rb") as f:
        po: Catalog = read_po(f)
    name = path.relative_to(path.parents[3]).as_posix() if len(path.parents) > 3 else path.name
    problems: list[str] = []
    entries = {_key(m.id, m.context): m for m in po if m.id}
    for key in sorted(set(sources) - set(entries), key=str):
        problems.append(
            f"{name}: missing {key[0]!r}" + (f" (context {key[1]!r})" if key[1] else "")
        )
    for key in sorted(set(entries) - set(sources), key=str):
        problems.append(f"{name}: stale {key[0]!r}: no layout or code uses it any more")
    for m in po.obsolete.values():
        problems.append(f"{name}: obsolete entry {_key(m.id, m.context)[0]!r}: delete it")
    if path.suffix == ".pot":
        return problems
    for key, m in sorted(entries.items(), key=lambda kv: str(kv[0])):
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy:
            problems.append(f"{name}: {key[0]!r} is marked fuzzy: check the translation")
        if isinstance(m.id, tuple) and len(strings) != po.num_plurals:
            problems.append(
                f"{name}: {key[0]!r} has {len(strings)} plural forms, not {po.num_plurals}"
            )
        if not all(strings):
            problems.append(f"{name}: {key[0]!r} is not translated")
        # The layouts show translations as they are (they are trusted, not escaped).
        if any(re.search(r"[<>&\"']", s) for s in strings if s):
            problems.append(f"{name}: {key[0]!r}: no <, >, &, \" or ' in a translation")
    for m, errors in po.check():  # %(name)s placeholders the same as the message's
        problems += [f"{name}: {m.id!r}: {e}" for e in errors]
    return problems


@pytest.fixture(scope="module")
def sources() -> dict[Key, object]:
    found = extracted()
    assert ("Key facts", None) in found and ("Search", "verb") in found  # the layouts were read
    assert ("granted in %(currency)s", None) in found  # and the code
    assert ("%(num)s case study found", None) in found  # and forms()
    return found


def test_the_catalogues_are_the_ones_the_docs_name() -> None:
    assert formatting.interface_languages() == tuple(sorted(LANGUAGES))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_catalogue_has_every_string_translated_and_no_stale_one(
    lang: str, sources: dict[Key, object]
) -> None:
    problems = catalogue_problems(LOCALES / lang / "LC_MESSAGES" / "casesite.po", sources)
    assert not problems, "\n".join(["run `make messages`, then translate:", *problems])


def test_the_template_matches_the_sources(sources: dict[Key, object]) -> None:
    problems = catalogue_problems(LOCALES / "casesite.pot", sources)
    assert not problems, "\n".join(["run `make messages`:", *problems])


def test_the_check_names_a_missing_a_stale_and_an_untranslated_string(
    tmp_path: Path, sources: dict[Key, object]
) -> None:
    """The check itself: a catalogue that lost a string, kept one nothing uses and left one
    untranslated fails, naming each."""
    copy = tmp_path / "locales" / "hu" / "LC_MESSAGES" / "casesite.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(LOCALES / "hu" / "LC_MESSAGES" / "casesite.po", copy)
    text = copy.read_text(encoding="utf-8")
    text = text.replace('msgid "Key facts"\nmsgstr "Főbb adatok"\n', "")
    text = text.replace('msgstr "Szűrők törlése"', 'msgstr ""')
    text += '\nmsgid "A string no layout uses"\nmsgstr "Egy szöveg"\n'
    copy.write_text(text, encoding="utf-8")

    problems = catalogue_problems(copy, sources)

    assert problems == [
        "locales/hu/LC_MESSAGES/casesite.po: missing 'Key facts'",
        "locales/hu/LC_MESSAGES/casesite.po: stale 'A string no layout uses': "
        "no layout or code uses it any more",
        "locales/hu/LC_MESSAGES/casesite.po: 'Clear filters' is not translated",
    ]
