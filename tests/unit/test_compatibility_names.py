"""docs/compatibility_names.md is generated from the code: regenerate it and compare.

When this fails, a public name was added or removed: run ``python tools/notebook_names.py table``.
"""

from __future__ import annotations

import json
from pathlib import Path

from support import tools

ROOT = Path(__file__).resolve().parents[2]


def load_tool():  # type: ignore[no-untyped-def]
    return tools.tool("notebook_names")


def test_compatibility_table_is_current() -> None:
    tool = load_tool()
    data = json.loads((ROOT / "tests" / "data" / "notebook_names.json").read_text())
    assert (ROOT / "docs" / "compatibility_names.md").read_text() == tool.render(data)


def test_names_reported_as_present_really_import() -> None:
    tool = load_tool()
    data = json.loads((ROOT / "tests" / "data" / "notebook_names.json").read_text())
    for name in ("sagemaker.s3.S3Uploader", "sagemaker.utils.name_from_base", "sagemaker.processing.ScriptProcessor"):
        assert tool.status(name) == ("has", "")
    assert tool.status("sagemaker.no_such_module.Thing") == ("lacks", "")
    assert tool.status("sagemaker.workflow.pipeline.Pipeline")[0] == "refused"
    assert sum(data["names"].values()) == sum(len(v) for v in data["notebooks"].values())


def test_extraction_reads_imports_aliases_and_attribute_chains() -> None:
    tool = load_tool()
    source = (
        "import sagemaker\n"
        "import sagemaker.tensorflow as smtf\n"
        "from sagemaker.s3 import S3Uploader as Up\n"
        "%matplotlib inline\n"
        "sess = sagemaker.Session()\n"
        "est = smtf.TensorFlow(entry_point='t.py')\n"
        "sagemaker.image_uris.retrieve('xgboost', 'us-west-2', '1.7-1')\n"
    )
    cell = "\n".join("" if line.startswith("%") else line for line in source.splitlines())
    assert tool.names_in(cell) == {
        "sagemaker.Session",
        "sagemaker.tensorflow.TensorFlow",
        "sagemaker.s3.S3Uploader",
        "sagemaker.image_uris.retrieve",
    }
