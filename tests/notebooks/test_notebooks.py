"""The notebooks in notebooks/: committed without outputs, and each runs top to bottom.

Each notebook is executed with nbclient in a real ``python3`` kernel (ipykernel, this
interpreter), in a fresh temporary working directory, with local-mode jobs under that
directory (``SAGEMAKER_LITE_LOCAL_ROOT``) and this checkout importable. Notebooks that need
the hosted API start their own moto server on 127.0.0.1 (their ``HOSTED_BACKEND = "moto"``
default); nothing reaches AWS (the suite-wide ``aws_env`` fixture gives the kernel fake
credentials and no config files). Any cell error fails the test with the cell's traceback;
the executed notebook is kept as ``<tmp_path>/<name>`` for inspection.

Like papermill, a cell tagged ``injected-parameters`` is inserted after the cell tagged
``parameters`` to tell a notebook where this checkout is (``REPO_ROOT``), since it does not
run from notebooks/ here.

    python -m pytest tests/notebooks -m notebooks --durations=0
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO / "notebooks"
#: seconds one cell may run (a local fit or deploy takes a few seconds; CI machines are slower)
CELL_TIMEOUT = int(os.environ.get("SAGEMAKER_LITE_NOTEBOOK_CELL_TIMEOUT", "300"))

_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # IPython colours tracebacks

#: every notebook, with what it needs beyond the kernel: "tensorflow" (imports it), "local"
#: (runs local-mode jobs or endpoints), "integration" (starts a moto server)
NOTEBOOK_NEEDS: dict[str, tuple[str, ...]] = {
    "01_tensorflow_boston_local_and_hosted.ipynb": ("local", "tensorflow", "integration"),
    "02_pipe_mode_tfrecord.ipynb": ("local", "tensorflow"),
    "03_builtin_xgboost.ipynb": ("local", "integration"),
    "04_moving_an_on_prem_script.ipynb": ("local",),
    "05_debugger.ipynb": ("local", "tensorflow", "integration"),
    "06_tuning_and_batch_transform.ipynb": ("local",),
    "07_pytorch_on_prem_to_sagemaker.ipynb": ("local", "integration"),
}


def committed_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def _param(name: str) -> Any:
    needs = NOTEBOOK_NEEDS.get(name, ())
    marks = [pytest.mark.notebooks, *(getattr(pytest.mark, need) for need in needs)]
    if "tensorflow" in needs and importlib.util.find_spec("tensorflow") is None:
        marks.append(pytest.mark.skip(reason="needs TensorFlow (pip install tensorflow-cpu)"))
    return pytest.param(name, marks=marks, id=name.removesuffix(".ipynb"))


# --- committed state (fast; no Jupyter packages needed) ------------------------------------------


def test_every_notebook_is_listed() -> None:
    """A new notebook must say what it needs (and so gets executed with the right markers)."""
    assert sorted(p.name for p in committed_notebooks()) == sorted(NOTEBOOK_NEEDS)


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        f"cell {index} ({cell.get('id', '?')})"
        for index, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name} is committed with outputs in {', '.join(dirty)}; strip them: "
        f"python tests/notebooks/strip_outputs.py {path.relative_to(REPO)}"
    )


@pytest.mark.parametrize("path", committed_notebooks(), ids=lambda p: p.stem)
def test_notebook_has_one_parameters_cell(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0]["cell_type"] == "code", f"{path.name}: one code cell tagged 'parameters'"


# --- execution -----------------------------------------------------------------------------------


def _inject_parameters(notebook: Any, values: dict[str, Any]) -> None:
    """papermill's convention: an ``injected-parameters`` cell right after the ``parameters`` cell."""
    import nbformat

    cells = notebook.cells
    index = next(i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", []))
    wanted = {name: value for name, value in values.items() if name in cells[index].source}
    if wanted:
        source = "\n".join(f"{name} = {value!r}" for name, value in wanted.items())
        cells.insert(index + 1, nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]}))


@pytest.mark.parametrize("name", [_param(name) for name in sorted(NOTEBOOK_NEEDS)])
def test_notebook_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    from nbclient.exceptions import CellExecutionError

    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.setenv("SAGEMAKER_LITE_LOCAL_ROOT", str(tmp_path / "local-root"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    # The notebooks name TensorFlow 2.19 and PyTorch 2.5 (the newest images), the tests' Python has
    # 2.21 and 2.13: run the installed ones instead of downloading each (tests/conftest.py
    # installed_framework_versions says why; a notebook user gets the version it names)
    monkeypatch.setenv("SAGEMAKER_LITE_FRAMEWORK_VERSIONS", "installed")
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # debugpy's frozen-modules note, printed at kernel start
    notebook = nbformat.read(NOTEBOOKS_DIR / name, as_version=4)
    _inject_parameters(notebook, {"REPO_ROOT": str(REPO)})
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        kernel_name="python3",  # jupyter_client runs a "python" kernel spec with this interpreter
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{name} failed (executed copy: {tmp_path / name}):\n{_ANSI.sub('', str(exc))}", pytrace=False)
    finally:
        nbformat.write(notebook, tmp_path / name)
