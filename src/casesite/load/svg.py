"""SVG files under assets/: refused when they could run script or fetch from elsewhere.

An SVG shown with <img> runs nothing, but opened on its own (its address is public, and
a partner's logo is linked) it is a web page of the site's origin: a script, an event
handler or a javascript: link in it runs there. An external reference (http:, //, file:)
makes every reader's browser, or the PDF engine, fetch from another place. Parsed with
expat directly: a DOCTYPE (and so any entity, the "billion laughs" and external entity
attacks) is refused before anything is expanded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from casesite.diagnostics import Diagnostic, Location, error

CODE = "unsafe-svg"
HINT = (
    "keep only shapes, text and images saved in assets/ in an SVG (export it again as plain "
    "SVG, or remove the part named)"
)
# Images that may be written into an SVG as data: addresses (no SVG, which could hold script).
DATA_IMAGES = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.I)
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)
URL_IN_CSS = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]*)\3""", re.I)
REFUSED_ELEMENTS = {"script": "a script", "foreignObject": "a foreignObject (HTML inside SVG)"}
HREFS = frozenset({"href", "src"})


class _Refused(Exception):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


def _compact(value: str) -> str:
    """An address as a browser reads it: white space and control characters dropped."""
    return "".join(c for c in value if c > " " and c != "\x7f")


def _external(value: str, image: bool) -> str | None:
    """What is wrong with an address in an SVG, or None when it stays inside the site."""
    url = _compact(value)
    if url.startswith("//"):
        return f"refers to another site ('{value.strip()}')"
    scheme = SCHEME.match(url)
    if scheme is None:
        return None  # #fragment or a path beside the file
    if scheme.group(1).lower() == "javascript":
        return f"holds a javascript: link ('{value.strip()[:60]}')"
    if image and DATA_IMAGES.match(url):
        return None
    return f"refers to '{value.strip()[:60]}' outside the site"


@dataclass
class _Scan:
    parser: expat.XMLParserType
    style: tuple[int, int] | None = None  # where the <style> being read starts
    css_text: str = ""

    def where(self) -> tuple[int, int]:
        return self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1

    def refuse(self, message: str) -> None:
        raise _Refused(*self.where(), message)

    def doctype(self, *_: object) -> None:
        self.refuse("has a DOCTYPE, which may declare entities; casesite refuses it")

    def instruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            self.refuse("has an xml-stylesheet instruction, which fetches a style sheet")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "style":
            self.style, self.css_text = self.where(), ""
        if local in REFUSED_ELEMENTS:
            self.refuse(f"holds {REFUSED_ELEMENTS[local]} (<{local}>)")
        for key, value in attributes.items():
            attribute = key.rsplit(" ", 1)[-1]
            if attribute.lower().startswith("on"):
                self.refuse(f"holds an event handler ({attribute}=), which runs script")
            problem = _external(value, local == "image") if attribute in HREFS else None
            if problem is None and _compact(value).lower().startswith("javascript:"):
                problem = f"holds a javascript: link ('{value.strip()[:60]}')"
            problem = problem or self.css(value)
            if problem is not None:
                self.refuse(f"{problem} in {attribute}= of <{local}>")

    def css(self, text: str) -> str | None:
        for match in URL_IN_CSS.finditer(text):
            problem = _external(match.group(2) or match.group(4) or "", image=True)
            if problem is not None:
                return problem
        return None

    def text(self, data: str) -> None:
        if self.style is not None:
            self.css_text += data

    def end(self, name: str) -> None:
        if self.style is not None and name.rsplit(" ", 1)[-1] == "style":
            problem = self.css(self.css_text)
            if problem is not None:
                raise _Refused(*self.style, f"{problem} in a style sheet")
            self.style = None


def check_svg(rel: str, data: bytes) -> list[Diagnostic]:
    """The first reason the SVG file `rel` may not be published, located, or nothing."""
    parser = expat.ParserCreate(namespace_separator=" ")
    scan = _Scan(parser)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = scan.doctype
    parser.EntityDeclHandler = scan.doctype
    parser.ProcessingInstructionHandler = scan.instruction
    parser.StartElementHandler = scan.start
    parser.CharacterDataHandler = scan.text
    parser.EndElementHandler = scan.end
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        message, line, column = refused.message, refused.line, refused.column
    except expat.ExpatError as exc:
        message = f"cannot be read as XML ({expat.ErrorString(exc.code)})"
        line, column = exc.lineno, exc.offset + 1
    else:
        return []
    return [error(Location(rel, line, column), CODE, f"the SVG file {rel} {message}", HINT)]
