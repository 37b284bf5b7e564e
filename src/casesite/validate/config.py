"""Site settings from content/site.yml: validated at once, every problem reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from casesite.diagnostics import Diagnostic, Location, error
from casesite.load.content import load_yaml_file
from casesite.validate.fields import FieldReader
from casesite.validate.translations import language_blocks

SITE_FILE = "content/site.yml"
HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
FONT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,60}$")


@dataclass(frozen=True)
class Brand:
    logo: str = ""
    primary: str = "#1f4e5a"
    accent: str = "#b5442b"
    ink: str = "#1c1c1c"
    paper: str = "#ffffff"
    body_font: str = "Source Serif 4"
    heading_font: str = "Source Sans 3"


@dataclass(frozen=True)
class SiteConfig:
    name: str
    base_url: str  # absolute, ends with "/"
    lang: str = "en"
    tagline: str = ""
    default_programme: str = ""
    licence_name: str = ""
    licence_url: str = ""
    brand: Brand = Brand()
    # (language key, name, tagline) for the site's parts in other languages
    translations: tuple[tuple[str, str, str], ...] = ()

    def in_language(self, key: str, lang: str) -> SiteConfig:
        """The settings as the part of the site in language `key` (written `lang`) uses them."""
        for found, name, tagline in self.translations:
            if found == key:
                return replace(self, lang=lang, name=name or self.name,
                               tagline=tagline or self.tagline)  # fmt: skip
        return replace(self, lang=lang)


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else float(((s + 0.055) / 1.055) ** 2.4)

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _colour(reader: FieldReader, key: str, default: str) -> str:
    value = reader.text(key, required=False)
    if value is None:
        return default
    if not HEX_RE.match(value):
        reader.fail(
            key,
            "invalid-colour",
            f"'{reader.name(key)}' must be a colour written #rrggbb, not '{value}'",
            'quote it, e.g. primary: "#1f4e5a"',
        )
        return default
    return value.lower()


def _font(reader: FieldReader, key: str, default: str) -> str:
    value = reader.text(key, required=False)
    if value is None:
        return default
    if not FONT_RE.match(value):
        reader.fail(
            key,
            "invalid-font",
            f"'{reader.name(key)}' must be a font family name, not '{value}'",
            "use letters, digits, spaces and hyphens, e.g. Source Serif 4",
        )
        return default
    return value


def _brand(reader: FieldReader, assets: frozenset[str]) -> Brand:
    brand = reader.sub("brand", {"logo", "colours", "fonts"}, required=False)
    if brand is None:
        return Brand()
    base = Brand()
    logo = brand.asset("logo", assets)
    colours = brand.sub("colours", {"primary", "accent", "ink", "paper"}, required=False)
    fonts = brand.sub("fonts", {"body", "heading"}, required=False)
    result = Brand(
        logo=logo,
        primary=_colour(colours, "primary", base.primary) if colours else base.primary,
        accent=_colour(colours, "accent", base.accent) if colours else base.accent,
        ink=_colour(colours, "ink", base.ink) if colours else base.ink,
        paper=_colour(colours, "paper", base.paper) if colours else base.paper,
        body_font=_font(fonts, "body", base.body_font) if fonts else base.body_font,
        heading_font=_font(fonts, "heading", base.heading_font) if fonts else base.heading_font,
    )
    if colours is not None:
        for key in ("primary", "accent", "ink"):
            ratio = contrast(getattr(result, key), result.paper)
            if ratio < 4.5:
                colours.fail(
                    key,
                    "low-contrast",
                    f"the {key} colour {getattr(result, key)} has a contrast of only "
                    f"{ratio:.1f}:1 against the page colour {result.paper}",
                    "readers with low vision need at least 4.5:1 (WCAG AA); choose a darker shade",
                )
    return result


def load_config(root: Path, assets: frozenset[str]) -> tuple[SiteConfig | None, list[Diagnostic]]:
    if not (root / SITE_FILE).is_file():
        return None, [
            error(
                Location(SITE_FILE),
                "missing-site-settings",
                "there is no content/site.yml with the site's name and address",
                "create it with at least 'name:' and 'base_url:' (see the README)",
            )
        ]
    doc, problems = load_yaml_file(root, SITE_FILE)
    if doc is None:
        return None, problems
    allowed = {"name", "tagline", "base_url", "lang", "default_programme", "licence", "brand",
               "translations"}  # fmt: skip
    reader = FieldReader(doc, (), frozenset(allowed), problems, "site settings")
    reader.check_unknown()
    name = reader.text("name")
    tagline = reader.text("tagline", required=False) or ""
    base_url = reader.web_url("base_url", required=True)
    lang = reader.language("lang", "en")
    default_programme = reader.text("default_programme", required=False) or ""
    licence = reader.sub("licence", {"name", "url"}, required=False)
    licence_name = (licence.text("name", required=True) or "") if licence else ""
    licence_url = licence.web_url("url") if licence else ""
    brand = _brand(reader, assets)
    translations = tuple(
        (key, sub.text("name", required=False) or "", sub.text("tagline", required=False) or "")
        for key, sub in language_blocks(reader, {"name", "tagline"})
    )
    if any(d.is_error for d in problems) or name is None:
        return None, problems
    return (
        SiteConfig(
            name=name,
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            lang=lang,
            tagline=tagline,
            default_programme=default_programme,
            licence_name=licence_name,
            licence_url=licence_url,
            brand=brand,
            translations=translations,
        ),
        problems,
    )
