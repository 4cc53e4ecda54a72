"""Property tests: no text makes --describe fail; it gives a profile or the usage error naming what is missing."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlguide.advisor.describe import understand
from dlguide.advisor.questionnaire import gather, parse_answer
from dlguide.catalogue import kb as knowledge
from dlguide.errors import UsageError

QUESTIONS = knowledge.load(None).questions
WORDS = st.sampled_from(["800", "2k", "1.5M", "0", "0.1", "10%", "a tenth", "labeled", "x-rays", "images", "of",
                         "ResNet-50", "top-5", "2019", "classes", "GPUs", "half", "none", "sequences", "steps", "-",
                         ",", "9" * 60, "tokens", "generate", "détecter", "猫", "🙂", "in", "one in", "ten"])
TEXTS = st.one_of(st.text(max_size=400), st.lists(WORDS, max_size=40).map(" ".join))


def check(text: str) -> None:
    found = understand(text, QUESTIONS)
    for qid, value in found.answers.items():
        parse_answer(QUESTIONS[qid], value, source="--describe")  # every reading is a valid answer
        assert found.evidence[qid] or found.learned.get(qid)
    try:
        gathered = gather(QUESTIONS, flags={}, describe=text)
    except UsageError as exc:
        assert exc.message.startswith("missing answers: --")
        assert "(--describe did not say)" in exc.message
    else:
        assert not gathered.profile.is_unknown("data") and not gathered.profile.is_unknown("task")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_any_text_gives_a_profile_or_names_what_is_missing(text):
    check(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "0", "1234567890" * 40, "x" * 10_000, "800 chest x-rays " * 600, "🙂🙃🤖 " * 50,
     "Wir haben 800 Röntgenbilder und wollen Lungenentzündung erkennen", "我们有800张胸部X光片", "٨٠٠ صورة",
     "NaN inf -1 1e309 0x10 1_000", "\x00\x1b[2J\r\n\t"],
)
def test_odd_text(text):
    check(text)


@pytest.mark.parametrize("text", ["", "9" * 400, "🙂" * 100, "x" * 10_000])
def test_odd_text_through_the_cli(cli, text):
    result = cli("recommend", "--describe", text, "--json")
    assert result.code == 2
    assert "Traceback" not in result.stderr
    error = json.loads(result.stdout)["error"]
    assert error["message"].startswith("missing answers: --data, --task (--describe did not say)")
