"""notebooks/evaluate.ipynb: committed without outputs, and it runs from top to bottom."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "evaluate.ipynb"


def test_notebook_committed_without_outputs():
    nb = json.loads(NOTEBOOK.read_text("utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for c in code:
        assert c["outputs"] == [] and c["execution_count"] is None, "clear the outputs before committing"


# jupyter_client / zmq / tornado emit deprecation warnings of their own while starting the kernel
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_notebook_executes():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    text = "".join(
        o.get("text", "") + "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    assert "same corpus as the shipped model:" in text
    assert "ECE before calibration" in text and "| possible_scam |" in text
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert images, "the confusion matrix / reliability figure was not rendered"
