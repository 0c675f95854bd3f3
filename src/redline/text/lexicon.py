"""Word lists kept as data files (`redline/text/data/<list>.<language>.txt`), loaded once.

A file holds one entry a line; lines starting with "#" say where the list was checked. Code
asks for a list by name and gets the entries of every language, longest first.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def entries(name: str) -> tuple[str, ...]:
    """Every language's entries of the list `name`, case folded, longest first."""
    found: set[str] = set()
    for path in files("redline.text").joinpath("data").iterdir():
        if path.name.startswith(f"{name}.") and path.name.endswith(".txt"):
            for line in path.read_text(encoding="utf-8").splitlines():
                entry = line.strip()
                if entry and not entry.startswith("#"):
                    found.add(entry.casefold())
    return tuple(sorted(found, key=lambda e: (-len(e), e)))
