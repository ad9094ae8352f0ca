"""The static registry of activity types (names → category module) is that of the modules, and a
production imports the category modules of the types it uses, no other."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from shootprint import categories

REFERENCE = Path(__file__).parents[2] / "examples" / "reference"


def test_the_static_registry_is_the_modules() -> None:
    for name, mod in zip(categories.MODULES, categories._modules(), strict=True):
        assert mod.CATEGORY == name
        assert categories.ACTIVITY_TYPES[name] == tuple(mod.ACTIVITIES), name
        assert categories.LINE_TAGS.get(name, ()) == tuple(getattr(mod, "TAGS", ())), name
    assert set(categories.ACTIVITY_TYPES) == set(categories.MODULES)
    assert list(categories.MODULE_OF) == list(categories.models())
    for type_name, model in categories.models().items():
        assert categories.is_type(type_name)
        assert categories.model_of(type_name) is model
        assert categories.compute_of(type_name) == categories.registry()[type_name]
    assert not categories.is_type("teleport") and not categories.is_type(None)
    from_modules = [mod.CATEGORY for mod in categories._modules()]
    for mod in categories._modules():
        from_modules.extend(t for t in getattr(mod, "TAGS", ()) if t not in from_modules)
    assert categories.excludable() == from_modules


_IMPORTED = """
import json, sys
from shootprint import api
api.estimate(sys.argv[1])
print(json.dumps(sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("shootprint.categories."))))
"""


def test_a_production_imports_the_modules_of_its_types_only() -> None:
    path = REFERENCE / "ai-generated.yaml"
    from shootprint.files import read_file

    used = sorted({categories.MODULE_OF[a["type"]] for a in read_file(path)["activities"]})
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, str(path)], capture_output=True, text=True, timeout=120, check=True
    )
    imported = set(json.loads(done.stdout))
    # a module may import another (a helper of energy), never the whole registry
    assert set(used) <= imported and len(imported) < len(categories.MODULES), (used, imported)
