"""Fast, reproducible merging of PDFs, for the collection (pdf/collection.py).

Merging is only joining the bytes of parts (pdf/parts.py: each PDF read once by pypdf,
when it is rendered, and cached) and numbering their objects: the front matter, then each
brief, under one catalog, page tree, outline and info dictionary of its own.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence

from casesite.pdf.parts import NotMergeable, Part, name_bytes, serialised

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"

# -- merging parts ---------------------------------------------------------------------------


def _string(text: str) -> bytes:
    from pypdf.generic import TextStringObject

    return serialised(TextStringObject(text))


def merge_parts(
    front: Part,
    briefs: Sequence[tuple[str, Part]],
    lang: str,
    producer: str,
    identity: bytes,
) -> bytes:
    """The front matter, then each brief (with the web address its contents link names).
    `identity`: what the file's /ID is made from (the same parts, the same /ID)."""
    parts = [front, *(part for _, part in briefs)]
    numbers: list[dict[int, int]] = []
    next_num = 5  # 1 catalog, 2 page tree, 3 outline, 4 info
    for part in parts:
        mapping = {}
        for obj in part.objects:
            mapping[obj.num] = next_num
            next_num += 1
        numbers.append(mapping)
    first_page: dict[str, int] = {}
    for (web_url, part), mapping in zip(briefs, numbers[1:], strict=True):
        if part.pages:
            first_page.setdefault(web_url, mapping[part.pages[0]])
    tops = [mapping[n] for part, mapping in zip(parts, numbers, strict=True) for n in part.top]
    neighbours = {
        n: (tops[i - 1] if i else None, tops[i + 1] if i + 1 < len(tops) else None)
        for i, n in enumerate(tops)
    }

    out = io.BytesIO()
    out.write(HEADER)
    offsets: dict[int, int] = {}

    def emit(num: int, body: bytes) -> None:
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + body + b"\nendobj\n")

    kids = b" ".join(
        b"%d 0 R" % m[p] for part, m in zip(parts, numbers, strict=True) for p in part.pages
    )
    page_count = sum(len(part.pages) for part in parts)
    catalog = b"<</Type /Catalog /Pages 2 0 R /Lang " + _string(lang)
    if tops:
        catalog += b" /Outlines 3 0 R /PageMode /UseOutlines"
    emit(1, catalog + b" /ViewerPreferences <</DisplayDocTitle true>>>>")
    emit(2, b"<</Type /Pages /Count %d /Kids [%s]>>" % (page_count, kids))
    count = sum(part.count for part in parts)
    if tops:
        emit(
            3,
            b"<</Type /Outlines /Count %d /First %d 0 R /Last %d 0 R>>"
            % (count, tops[0], tops[-1]),
        )
    else:
        emit(3, b"<</Type /Outlines /Count 0>>")
    info = b"".join(name_bytes(k) + b" " + v + b"\n" for k, v in front.info.items())
    emit(4, b"<<" + info + b"/Producer " + _string(producer) + b">>")

    for part, mapping in zip(parts, numbers, strict=True):
        for obj in part.objects:
            pieces = [obj.chunks[0]]
            for ref, chunk in zip(obj.refs, obj.chunks[1:], strict=True):
                pieces.append(b"%d 0 R" % mapping[ref])
                pieces.append(chunk)
            body = b"".join(pieces)
            extra = b""
            if obj.kind == "page":
                extra = b"/Parent 2 0 R"
            elif obj.kind == "top":
                prev, nxt = neighbours[mapping[obj.num]]
                extra = b"/Parent 3 0 R"
                if prev is not None:
                    extra += b" /Prev %d 0 R" % prev
                if nxt is not None:
                    extra += b" /Next %d 0 R" % nxt
            elif obj.kind == "link":
                target = first_page.get(obj.uri)
                extra = b"/Dest [%d 0 R /Fit]" % target if target is not None else obj.action
            if extra:
                if not body.endswith(b">>"):
                    raise NotMergeable(f"object {obj.num} is not a dictionary")
                body = body[:-2] + extra + b">>"
            emit(mapping[obj.num], body)

    xref = out.tell()
    size = next_num
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for num in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[num])
    ident = hashlib.sha256(identity).hexdigest()[:32].encode()
    out.write(
        b"trailer\n<</Size %d /Root 1 0 R /Info 4 0 R /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
        % (size, ident, ident, xref)
    )
    return out.getvalue()
