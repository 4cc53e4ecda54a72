"""Every ``--json`` output and every JSON error fits the one envelope of ``dlguide.rendering.contract``.

Each case runs a real command with ``--json`` and validates all of stdout against the model its
``command`` names (or the error model), so a key added, renamed or dropped anywhere fails here.
"""

from __future__ import annotations

import importlib.util

import pytest

from dlguide.rendering import contract

NUMPY = importlib.util.find_spec("numpy") is not None

# (case id, argv, exit code, the command the envelope must name, an error's kind or None)
CASES = [
    ("list", ["list"], 0, "list", None),
    ("show a family", ["show", "lstm"], 0, "show", None),
    ("show a technique", ["show", "transfer"], 0, "show", None),
    ("compare", ["compare", "cnn", "rnn", "gnn"], 0, "compare", None),
    ("recommend", ["recommend", "--data", "image", "--task", "classify", "--samples", "800"], 0, "recommend", None),
    ("recommend --explain", ["recommend", "--data", "text", "--task", "classify", "--explain"], 0, "recommend", None),
    ("recommend --describe", ["recommend", "--describe", "a few thousand product reviews, sort them by sentiment"], 0, "recommend", None),
    ("scaffold --dry-run", ["scaffold", "gru", "{tmp}/plan", "--dry-run"], 0, "scaffold", None),
    ("scaffold", ["scaffold", "cnn", "{tmp}/project"], 0, "scaffold", None),
    ("kb validate", ["kb", "validate"], 0, "kb validate", None),
    ("kb validate, broken", ["kb", "validate", "{tmp}/broken"], 1, "kb validate", None),
    ("error: unknown name", ["show", "lsmt"], 2, "show", "unknown_name"),
    ("error: missing answers", ["recommend", "--no-input"], 2, "recommend", "usage"),
    ("error: bad option", ["list", "--bogus"], 2, "list", "usage"),
    ("error: no demo for a technique", ["run-demo", "transfer"], 2, "run-demo", "usage"),
    ("error: a knowledge base that does not load", ["list", "--kb", "{tmp}/broken"], 1, "list", "knowledge"),
    ("error: a non-empty folder", ["scaffold", "cnn", "{tmp}/full"], 1, "scaffold", "would_overwrite"),
]


@pytest.fixture
def folders(tmp_path, kb_copy):
    (kb_copy / "families" / "cnn.yaml").write_text("schema_version: 1\nkind: family\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("keep me\n")
    return {"tmp": str(tmp_path), "broken": str(kb_copy)}


@pytest.mark.parametrize(("argv", "code", "command", "kind"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_every_json_output_fits_the_envelope(cli, folders, argv, code, command, kind):
    argv = [arg.replace("{tmp}/broken", folders["broken"]).replace("{tmp}", folders["tmp"]) for arg in argv]
    result = cli(*argv, "--json")
    assert result.code == code, result.stderr
    document = contract.validate(result.json())
    assert document.schema_version == contract.SCHEMA_VERSION and document.command == command
    if kind is None:
        assert not isinstance(document, contract.ErrorDocument)
    else:
        assert isinstance(document, contract.ErrorDocument) and document.error.kind == kind
        assert document.error.exit_code == code
        assert result.stderr.strip().endswith(document.error.message)  # the same one line, on stderr


@pytest.mark.skipif(not NUMPY, reason="propagate reads .npy embeddings with numpy (the demos extra)")
def test_propagate_json_fits_the_envelope(cli, tmp_path, monkeypatch):
    import numpy as np

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (40, 4)), rng.normal(6, 1, (40, 4))])
    np.save("emb.npy", x)
    (tmp_path / "labels.csv").write_text("label\n" + "\n".join("a" if i == 0 else "b" if i == 40 else '""' for i in range(80)) + "\n")
    result = cli("propagate", "emb.npy", "--labels", "labels.csv", "--json")
    assert result.code == 0, result.stderr
    document = contract.validate(result.json())
    assert isinstance(document, contract.PropagateDocument) and document.items == 80 and document.classes == ["a", "b"]


def test_a_document_with_an_undeclared_key_is_refused():
    with pytest.raises(ValueError, match="surprise"):
        contract.validate({"schema_version": 1, "command": "list", "families": [], "techniques": [], "surprise": 1})
    with pytest.raises(ValueError):
        contract.validate({"schema_version": 2, "command": "list", "families": [], "techniques": []})
