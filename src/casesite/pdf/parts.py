"""A brief's PDF read once into a *part*, for the collection's merge (pdf/merge.py).

pypdf's own merge parses every object of every brief each time (3.5 to 7 s for 100
briefs on this machine), which is most of a one-change rebuild. So each PDF is read by
pypdf once, when it is rendered, into a part: its pages and outline and everything they
reach, serialised, with every object reference left as a hole to fill. A part is cached
next to its PDF (Part.to_bytes, Part.from_bytes).

What a part keeps: each page (without /Parent, which the merge sets, and /StructParents),
its resources, contents and annotations (without /StructParent; a link to a named
destination becomes a link to its explicit place, so names never collide between
briefs), and the outline (its top items get /Parent, /Prev and /Next from the merge).
What it leaves: the catalog, the page tree, the structure tree, the names, the XMP
metadata: the merged file is not tagged and claims no PDF/UA.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any

PART_FORMAT = "casesite-pdf-part-1"


class NotMergeable(Exception):
    """The PDF holds something a part cannot carry (it reaches its catalog or page tree)."""


@dataclass
class _Object:
    num: int
    chunks: list[bytes]  # bytes between the references
    refs: list[int]  # the referenced object numbers, in the part's own numbering
    kind: str = ""  # "page", "top" (a top outline item), "link" (a contents link)
    uri: str = ""  # for "link": where it pointed
    action: bytes = b""  # for "link": its /A, serialised, if it stays a web link


@dataclass
class Part:
    """One PDF as the merge needs it."""

    objects: list[_Object]
    pages: list[int]
    top: list[int]  # top outline items, in order
    count: int  # the outline's /Count
    info: dict[str, bytes] = field(default_factory=dict)  # serialised values

    def to_bytes(self) -> bytes:
        body = io.BytesIO()
        objects = []
        for obj in self.objects:
            objects.append(
                [
                    obj.num,
                    [len(c) for c in obj.chunks],
                    obj.refs,
                    obj.kind,
                    obj.uri,
                    obj.action.decode("latin-1"),
                ]
            )
            for chunk in obj.chunks:
                body.write(chunk)
        header = {
            "format": PART_FORMAT,
            "objects": objects,
            "pages": self.pages,
            "top": self.top,
            "count": self.count,
            "info": {k: v.decode("latin-1") for k, v in self.info.items()},
        }
        return json.dumps(header, separators=(",", ":")).encode() + b"\n" + body.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> Part:
        end = data.index(b"\n")
        header = json.loads(data[:end])
        if header.get("format") != PART_FORMAT:
            raise ValueError("not a PDF part of this version")
        at = end + 1
        objects = []
        for num, lengths, refs, kind, uri, action in header["objects"]:
            chunks = []
            for length in lengths:
                chunks.append(data[at : at + length])
                at += length
            objects.append(_Object(num, chunks, refs, kind, uri, action.encode("latin-1")))
        info = {k: v.encode("latin-1") for k, v in header["info"].items()}
        return Part(objects, header["pages"], header["top"], header["count"], info)


# -- reading a PDF into a part ---------------------------------------------------------------

_SKIP_ALWAYS = {"/StructParent", "/StructParents"}
_REFUSED_TYPES = {"/Catalog", "/Pages", "/StructTreeRoot", "/StructElem", "/Metadata"}


class _Writer:
    def __init__(self, reader: Any, links: bool) -> None:
        self.reader = reader
        self.links = links
        self.dests = _named_destinations(reader)
        self.chunks: list[bytes] = []
        self.refs: list[int] = []
        self.buf = io.BytesIO()
        self.queue: list[int] = []

    def ref(self, num: int) -> None:
        self.chunks.append(self.buf.getvalue())
        self.buf = io.BytesIO()
        self.refs.append(num)
        self.queue.append(num)

    def value(self, obj: Any) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

        if isinstance(obj, IndirectObject):
            self.ref(obj.idnum)
        elif isinstance(obj, StreamObject):
            raise NotMergeable("a direct stream")
        elif isinstance(obj, DictionaryObject):
            self.dictionary(obj, set())
        elif isinstance(obj, ArrayObject):
            self.buf.write(b"[")
            for i, item in enumerate(obj):
                if i:
                    self.buf.write(b" ")
                self.value(item)
            self.buf.write(b"]")
        else:
            obj.write_to_stream(self.buf)

    def dictionary(self, obj: Any, skip: set[str], extra: bytes = b"") -> None:
        self.buf.write(b"<<")
        for key in obj:
            if key in skip or key in _SKIP_ALWAYS:
                continue
            self.buf.write(name_bytes(key) + b" ")
            value = obj.raw_get(key)
            self.value(self._dest(value) if key == "/Dest" else value)
            self.buf.write(b"\n")
        self.buf.write(extra + b">>")

    def _dest(self, value: Any) -> Any:
        from pypdf.generic import TextStringObject

        if isinstance(value, (str, TextStringObject)) and str(value) in self.dests:
            return self.dests[str(value)]
        return value

    def finish(self) -> tuple[list[bytes], list[int]]:
        self.chunks.append(self.buf.getvalue())
        chunks, refs = self.chunks, self.refs
        self.chunks, self.refs, self.buf = [], [], io.BytesIO()
        return chunks, refs


def name_bytes(key: Any) -> bytes:
    from pypdf.generic import NameObject

    out = io.BytesIO()
    NameObject(key).write_to_stream(out)
    return out.getvalue()


def serialised(obj: Any) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _named_destinations(reader: Any) -> dict[str, Any]:
    """Every named destination of the PDF, as its explicit array."""
    found: dict[str, Any] = {}
    names = reader.root_object.get("/Names")
    tree = names.get_object().get("/Dests") if names is not None else None
    stack = [tree] if tree is not None else []
    while stack:
        node = stack.pop().get_object()
        pairs = node.get("/Names")
        if pairs is not None:
            pairs = pairs.get_object()
            for i in range(0, len(pairs) - 1, 2):
                dest = pairs[i + 1].get_object()
                if hasattr(dest, "get") and "/D" in dest:
                    dest = dest["/D"]
                found[str(pairs[i])] = dest
        stack.extend(node.get("/Kids", []))
    return found


def load_reader() -> None:
    """Import pypdf (about 0.04 s of CPU), as reading the first part would."""
    import pypdf  # noqa: F401


def _lazy_reader(data: bytes) -> Any:
    """A pypdf reader that parses an object of an object stream only when it is asked for.
    pypdf parses every object of the stream at the first request, and a tagged brief's
    stream is mostly its structure tree, which a part leaves out: reading a brief into a
    part took 28 ms, most of it parsing that tree. The objects read are the same."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, NullObject, read_object

    class LazyReader(PdfReader):
        streams: dict[int, tuple[bytes, int, dict[int, int]]]

        def _get_object_from_stream(self, reference: IndirectObject) -> Any:
            stmnum, _ = self.xref_objStm[reference.idnum]
            found = self.streams.get(stmnum)
            if found is None:
                stream: Any = IndirectObject(stmnum, 0, self).get_object()
                if stream.get("/Type") != "/ObjStm":
                    raise NotMergeable(f"object {stmnum} is not an object stream")
                body = stream.get_data()
                first = int(stream["/First"])
                numbers = body[:first].split()
                offsets = {
                    int(numbers[i]): int(numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)
                }
                found = self.streams[stmnum] = (body, first, offsets)
            body, first, offsets = found
            at = offsets.get(reference.idnum)
            if at is None:
                return NullObject()
            buffer = io.BytesIO(body)
            buffer.seek(first + at)
            obj = read_object(buffer, self)
            self.cache_indirect_object(0, reference.idnum, obj)
            return obj

    reader = LazyReader(io.BytesIO(data))
    reader.streams = {}
    return reader


def read_part(data: bytes, links: bool = False) -> Part:
    """A PDF as a part. `links`: keep its web links apart (the collection's front matter),
    so that the merge can turn those to a brief into links to its first page."""
    from pypdf.generic import DictionaryObject, StreamObject

    reader = _lazy_reader(data)
    root = reader.root_object
    pages = []
    for page in reader.pages:
        if page.indirect_reference is None:
            raise NotMergeable("a page that is not an indirect object")
        pages.append(page.indirect_reference.idnum)
    top: list[int] = []
    count = 0
    outlines = root.get("/Outlines")
    if outlines is not None:
        outlines = outlines.get_object()
        count = int(outlines.get("/Count", 0))
        item = outlines.get("/First")
        while item is not None and item.idnum not in top:
            top.append(item.idnum)
            item = item.get_object().get("/Next")
    writer = _Writer(reader, links)
    writer.queue = [*pages, *top]
    seen: set[int] = set()
    objects: list[_Object] = []
    top_set, page_set = set(top), set(pages)
    while writer.queue:
        num = writer.queue.pop(0)
        if num in seen:
            continue
        seen.add(num)
        obj = reader.get_object(num)
        kind, uri, action = "", "", b""
        if isinstance(obj, StreamObject):
            if obj.get("/Type") in _REFUSED_TYPES:
                raise NotMergeable(f"object {num} is {obj.get('/Type')}")
            raw = obj._data
            writer.dictionary(obj, {"/Length"}, b"/Length " + str(len(raw)).encode())
            writer.buf.write(b"\nstream\n" + raw + b"\nendstream")
        elif isinstance(obj, DictionaryObject):
            if obj.get("/Type") in _REFUSED_TYPES:
                raise NotMergeable(f"object {num} is {obj.get('/Type')}")
            skip: set[str] = set()
            if num in page_set:
                kind, skip = "page", {"/Parent"}
            elif num in top_set:
                kind, skip = "top", {"/Parent", "/Prev", "/Next"}
            elif links and obj.get("/Subtype") == "/Link" and "/A" in obj:
                action_dict: Any = obj["/A"].get_object()
                target = action_dict.get("/URI")
                if target is not None:
                    kind, uri, skip = "link", str(target), {"/A"}
                    action = b"/A " + serialised(action_dict)
            writer.dictionary(obj, skip)
        else:
            writer.value(obj)
        chunks, refs = writer.finish()
        objects.append(_Object(num, chunks, refs, kind, uri, action))
    info: dict[str, bytes] = {}
    if links and reader.metadata is not None:
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate", "/ModDate"):
            if key in reader.metadata:
                info[key] = serialised(reader.metadata.raw_get(key))
    return Part(objects, pages, top, count, info)
