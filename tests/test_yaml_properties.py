"""Property tests: any YAML a user can write, as an answers file or in a knowledge folder, gets a clean
answer or one clean error line (exit 1 or 2) - never a traceback, never "unexpected".

Numbers stay within what YAML writes by hand here (no 400-digit integers, no .nan or .inf): those are the
reader branch's ranges, pinned by rows of tests/test_sweep.py until it is merged.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from conftest import BUILTIN_KB  # noqa: E402

QUESTIONS = yaml.safe_load((BUILTIN_KB / "questions.yaml").read_text())["questions"]
IDS = [q["id"] for q in QUESTIONS]
WORDS = [c["id"] for q in QUESTIONS for c in q.get("choices", [])] + ["unknown", "2k", "10%", "1.5M", "0.1", "", "?"]

scalars = (st.none() | st.booleans() | st.integers(-10**15, 10**15)
           | st.floats(allow_nan=False, allow_infinity=False, width=32) | st.text(max_size=12) | st.sampled_from(WORDS))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                      max_leaves=8)
profiles = st.dictionaries(st.sampled_from(IDS + ["profile", "seq-len", "Data", "colour"]) | st.text(max_size=8), values, max_size=8)
# text that YAML may or may not parse; no 'n' or 'f', so no .nan or .inf, and too short for a float to overflow
yamlish = st.text(alphabet=" :-[]{}#&*!|>'\",?\n\tabcdeimgtx0123456789._", max_size=80)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def clean(result, codes) -> None:
    """What every run must look like: an expected exit code, one error line at most, no traceback."""
    assert result.code in codes, (result.code, result.stderr)
    both = result.stdout + result.stderr
    assert "Traceback" not in both and "dlguide: error: unexpected" not in result.stderr, result.stderr
    if result.code:
        assert result.stderr.splitlines()[-1].startswith("dlguide: error: "), result.stderr


@SETTINGS
@given(document=profiles | values)
def test_any_answers_file_is_answered_or_refused_in_one_line(cli, document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.yaml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True))
        result = cli("recommend", "--answers", path, "--json")
    clean(result, {0, 2})
    payload = json.loads(result.stdout)  # --json: one document, a result or an error
    assert ("error" in payload) == (result.code != 0)
    if result.code:
        assert len(result.stderr.splitlines()) == 1


@SETTINGS
@given(text=yamlish)
def test_any_text_as_an_answers_file_is_answered_or_refused_in_one_line(cli, text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "answers.yaml"
        path.write_text(text)
        result = cli("recommend", "--answers", path, "--data", "image", "--task", "classify")
    clean(result, {0, 2})


def _leaves(data, path=()):
    """Every place in a YAML document a value can be replaced: (path, value) pairs."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))


def _replace(data, path, new):
    if not path:
        return new
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return data


KB_FILES = ["questions.yaml", "rules.yaml", "families/cnn.yaml", "families/rnn.yaml", "techniques/transfer_learning.yaml"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(KB_FILES), where=st.integers(min_value=0), new=values, raw=st.none() | yamlish)
def test_any_edit_to_a_knowledge_file_is_valid_or_reported(cli, monkeypatch, name, where, new, raw):
    monkeypatch.setenv("DLGUIDE_NO_CACHE", "1")
    with tempfile.TemporaryDirectory() as folder:
        kb = Path(folder) / "kb"
        shutil.copytree(BUILTIN_KB, kb, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
        target = kb / name
        if raw is not None:  # the whole file replaced by text that may not even be YAML
            target.write_text(raw)
        else:  # one value anywhere in the real file replaced by another
            data = yaml.safe_load(target.read_text())
            places = list(_leaves(data))
            path, _ = places[where % len(places)]
            target.write_text(yaml.safe_dump(_replace(data, path, new), allow_unicode=True, sort_keys=False))
        validated = cli("kb", "validate", kb)
        clean(validated, {0, 1})
        listed = cli("list", "--kb", kb)
        clean(listed, {0, 1})
        assert validated.code == listed.code  # kb validate and every command run the very same check
        if listed.code:
            assert len(listed.stderr.splitlines()) == 1
        recommended = cli("recommend", "--kb", kb, "--data", "image", "--task", "classify", "--json")
        clean(recommended, {0, 1, 2})
        json.loads(recommended.stdout)
