"""What the last build left in an output folder (each file's digest and modification
time), kept in the build cache so that a rebuild links unchanged files instead of writing
them again (publish.Staging)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from casesite.incremental.store import Store, digest


def _name(out: Path) -> str:
    return f"outputs/{digest(os.fsencode(out.absolute()))}.json"


def load_manifest(store: Store, out: Path) -> dict[str, tuple[str, int]]:
    data = store.read_json(_name(out))
    if not isinstance(data, dict):
        return {}
    return {
        str(k): (str(v[0]), v[1])
        for k, v in data.items()
        if isinstance(v, list) and len(v) == 2 and isinstance(v[1], int)
    }


def save_manifest(store: Store, out: Path, entries: Mapping[str, tuple[str, int]]) -> None:
    store.write_json(_name(out), {rel: list(entry) for rel, entry in entries.items()})
