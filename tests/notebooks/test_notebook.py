"""CI runs the Colab notebook top to bottom (nbclient, a real Jupyter kernel) on CPU with its tiny-model switch
(MAEUMCHAT_NOTEBOOK_CI=1): train_all --tiny on the shared corpora, the report, a chat, the app answering /chat.
Nothing is installed or downloaded: the kernel sees HF_HUB_OFFLINE=1 and the hub replica (tests/conftest.py), so
the base models' tokenizers and configs are read by hub id in a fresh process, from the environment variables."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "train_and_chat.ipynb"


def test_the_notebook_is_committed_without_outputs():
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    assert all(
        not cell.get("outputs") and not cell.get("execution_count")
        for cell in notebook.cells
        if cell.cell_type == "code"
    )
    assert "parameters" in notebook.cells[1].metadata.get("tags", [])


@pytest.mark.slow  # a real kernel runs the notebook on real corpora
def test_the_notebook_runs_top_to_bottom_on_cpu(offline_hub, shared_data_dir, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    for name, value in {
        "MAEUMCHAT_NOTEBOOK_CI": "1",
        "MAEUMCHAT_DATA_DIR": str(shared_data_dir),
        "MAEUMCHAT_OUTPUT_DIR": str(tmp_path / "checkpoints"),
        "GRADIO_ANALYTICS_ENABLED": "False",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(REPO),
    }.items():
        monkeypatch.setenv(name, value)  # the kernel inherits the environment (HF_HOME, HF_HUB_OFFLINE included)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(REPO)}}
    ).execute()  # raises on the first failing cell

    def text_of(cell) -> str:
        return "".join(
            output.get("text", "") + str(output.get("data", {}).get("text/plain", "")) for output in cell.outputs
        )

    printed = "\n".join(text_of(cell) for cell in notebook.cells if cell.cell_type == "code")
    assert "nothing is installed or downloaded" in printed
    assert "estimate on cpu: about" in printed and "stages done: classifier, classifier_eval, generator" in printed
    assert "전체 엔진" in printed and "app /chat →" in printed
    assert (tmp_path / "checkpoints" / "report" / "report.md").is_file()
    assert (tmp_path / "checkpoints" / "generator" / "README.md").is_file()
