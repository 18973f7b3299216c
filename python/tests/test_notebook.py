"""examples/prospectivity.ipynb runs from top to bottom (executed by nbclient, in a kernel of
this interpreter, the one geoprospect is installed in) and draws its map."""

import json
import sys

import nbformat
from nbclient import NotebookClient

from conftest import REPO


def test_the_notebook_runs(tmp_path, monkeypatch):
    spec = tmp_path / "kernels" / "geoprospect-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                 "-f", "{connection_file}"],
        "display_name": "geoprospect tests",
        "language": "python",
    }))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    path = REPO / "examples" / "prospectivity.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="geoprospect-test",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "median+2MAD" in printed and "cells scored" in printed
