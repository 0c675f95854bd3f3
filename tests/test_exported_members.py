"""The public API is exactly what `redline.__all__` lists, sorted, and every name resolves."""

import types

import redline


def test_all_is_sorted_and_resolves() -> None:
    assert list(redline.__all__) == sorted(redline.__all__)
    for name in redline.__all__:
        assert getattr(redline, name) is not None, name


def test_every_public_member_is_exported() -> None:
    public = {
        name
        for name, value in vars(redline).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    public.discard("annotations")  # from `from __future__ import annotations`
    assert public == set(redline.__all__)


def test_entry_points_survive_importing_every_submodule() -> None:
    # A subpackage named like an exported function would replace it on import.
    import importlib
    import pkgutil

    for module in pkgutil.walk_packages(redline.__path__, "redline."):
        importlib.import_module(module.name)
    assert callable(redline.compare)
    assert callable(redline.find_versions)
    assert callable(redline.segment)
    red = redline.compare("The ferry left at noon.", "The ferry left at one.")
    assert [s.kind for s in red.segments] == ["reworded"]
