"""The public API is exactly what `redline.__all__` lists, sorted, and every name resolves."""

import importlib
import importlib.util
import pkgutil
import subprocess
import sys
import types

import pytest

import redline
from redline.errors import DependencyError


def test_all_is_sorted_and_resolves() -> None:
    assert list(redline.__all__) == sorted(redline.__all__)
    for name in redline.__all__:
        assert getattr(redline, name) is not None, name


def test_every_public_member_is_exported() -> None:
    for name in redline.__all__:
        getattr(redline, name)  # resolve every lazy name, so vars() holds them all
    helpers = {"annotations", "importlib", "TYPE_CHECKING", "Any"}  # the module's own imports
    public = {
        name
        for name, value in vars(redline).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public - helpers == set(redline.__all__)
    assert set(dir(redline)) >= set(redline.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'compair'"):
        redline.compair  # noqa: B018


HEAVY = ("numpy", "pyarrow", "pyspark", "rapidfuzz", "jinja2", "redline.store")


@pytest.mark.parametrize(
    "code",
    [
        "import redline",
        "import redline.cli",
        # What `redline --help` and `redline --version` run, without exiting.
        "from redline.cli import main; main.get_help(__import__('click').Context(main))",
    ],
)
def test_start_up_loads_no_heavy_module(code: str) -> None:
    # A fresh interpreter: this test process has long imported everything.
    probe = f"{code}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert [m for m in HEAVY if m in loaded] == []


def test_the_spark_engine_loads_only_when_chosen() -> None:
    # Registered by name: pyspark (and its JVM) load when `engine_named("spark")` runs.
    probe = (
        "import sys, redline.find\n"
        "assert 'spark' in redline.find.ENGINES\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert [m for m in loaded if m.startswith(("pyspark", "redline.engines.spark"))] == []


# Modules that need an optional extra, with the extra's top-level package.
OPTIONAL = {"redline.engines.spark": "pyspark"}


def test_entry_points_survive_importing_every_submodule() -> None:
    # A subpackage named like an exported function would replace it on import.
    imported = []
    for module in pkgutil.walk_packages(redline.__path__, "redline."):
        extra = OPTIONAL.get(module.name)
        if extra is not None and importlib.util.find_spec(extra) is None:
            # Without the extra the module must still say what to install, not fail obscurely.
            with pytest.raises(DependencyError, match=r"pip install redline\[spark\]"):
                importlib.import_module(module.name)
            continue
        importlib.import_module(module.name)
        imported.append(module.name)
    assert {"redline.diff.align", "redline.store.sqlite", "redline.cli.find"} <= set(imported)
    assert callable(redline.compare)
    assert callable(redline.find_versions)
    assert callable(redline.segment)
    red = redline.compare("The ferry left at noon.", "The ferry left at one.")
    assert [s.kind for s in red.segments] == ["reworded"]
