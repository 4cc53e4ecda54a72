"""--describe: a sentence becomes answers, with the words each came from; nothing is guessed."""

from __future__ import annotations

import pytest

from dlguide import kb as knowledge
from dlguide.describe import understand


@pytest.fixture(scope="module")
def questions():
    return knowledge.load(None).questions


@pytest.mark.parametrize(
    "text, expected",
    [
        ("800 chest x-rays, a tenth labeled, find pneumonia on a laptop",
         {"data": "image", "samples": 800, "labeled": 0.1, "task": "classify", "compute": "low"}),
        ("two million tweets, classify sentiment, 8 GPUs", {"data": "text", "samples": 2_000_000, "task": "classify", "compute": "high"}),
        ("a few hundred sensor readings, sequences of 200 steps, forecast tomorrow",
         {"data": "time-series", "samples": 300, "seq_len": 200, "task": "forecast"}),
        ("5k molecules, predict toxicity", {"data": "graph", "samples": 5000, "task": "regress"}),
        ("2000 reviews, 150 of them labelled, about 300 words each",
         {"data": "text", "samples": 2000, "labeled": 0.075, "seq_len": 300}),
        ("tens of thousands of customer records in a spreadsheet, predict churn, explainable",
         {"data": "tabular", "samples": 30000, "task": "classify", "priority": ["interpretability"]}),
        ("social network of 1.5M users, recommend friends", {"data": "graph", "samples": 1_500_000, "task": "link"}),
        ("unlabeled vibration data from pumps, find faults", {"data": "time-series", "labeled": 0.0, "task": "anomaly"}),
        ("generate images from text prompts", {"data": "multimodal", "task": "generate"}),
        ("10% labeled, 20k images, segment tumours in MRI scans", {"labeled": 0.1, "samples": 20000, "data": "image", "task": "segment"}),
        ("2,000 photos, all labeled, one GPU", {"samples": 2000, "labeled": 1.0, "data": "image", "compute": "medium"}),
        ("generate realistic faces fast", {"task": "generate", "data": "image", "priority": ["quality", "speed"]}),
        ("anomaly detection on server logs with no gpu", {"task": "anomaly", "compute": "low"}),
        ("half of the 3000 images are labeled", {"labeled": 0.5, "samples": 3000, "data": "image"}),
        ("forecast stock prices", {"task": "forecast", "data": "time-series"}),
        ("transcribe speech to text", {"data": "audio", "task": "translate"}),
        # Articles inside a phrase, generic nouns that take their kind from the word before them, shape nouns.
        ("remove the noise from old scanned photos", {"data": "image", "task": "denoise"}),
        ("EEG recordings, classify sleep stages", {"data": "time-series", "task": "classify"}),
        ("recordings of ECG, find abnormal beats", {"data": "time-series", "task": "anomaly"}),
        ("fraud ring detection on a transaction graph", {"data": "graph", "task": "classify"}),
        ("a couple thousand emails, detect phishing", {"data": "text", "task": "classify", "samples": 2000}),
        ("count cars in dashcam footage", {"data": "video", "task": "detect"}),
        # Counts of labels given as a part of the whole, spaced thousands, hardware names that are not counts.
        ("we labeled 500 of our 10,000 images", {"samples": 10000, "labeled": 0.05}),
        ("labels for about a quarter of them", {"labeled": 0.25}),
        ("12 000 images", {"samples": 12000}),
        ("on an RTX 3090, 4000 photos", {"compute": "medium", "samples": 4000}),
        ("we have a single A100", {"compute": "medium"}),
        ("it must run on a Jetson Nano", {"compute": "low"}),
        ("we need to explain each decision to doctors", {"priority": ["interpretability"]}),
        ("match product photos to their descriptions", {"data": "multimodal"}),
    ],
)
def test_understands(questions, text, expected):
    found = understand(text, questions)
    assert {k: found.answers.get(k) for k in expected} == expected
    assert set(found.evidence) == set(found.answers)


def test_says_where_each_answer_came_from(questions):
    found = understand("800 chest x-rays, a tenth labeled, find pneumonia on a laptop", questions)
    assert found.evidence == {"data": "x-rays", "task": "find pneumonia", "compute": "laptop",
                              "labeled": "a tenth labeled", "samples": "800 chest x-rays"}


def test_ignores_numbers_that_are_not_counts(questions):
    found = understand("images in 10 classes, trained for 30 epochs on 4 GPUs", questions)
    assert "samples" not in found.answers
    assert found.answers["compute"] == "high"


@pytest.mark.parametrize("text", ["hello there", "", "please help me choose"])
def test_nothing_usable_stays_open(questions, text):
    assert understand(text, questions).answers == {}


def test_synonyms_come_from_questions_yaml(kb_copy):
    path = kb_copy / "questions.yaml"
    path.write_text(path.read_text().replace("synonyms: [image, photo,", "synonyms: [image, blorbograph, photo,"))
    found = understand("3000 blorbographs", knowledge.load(kb_copy).questions)
    assert found.answers == {"data": "image", "samples": 3000}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("classify 10-second video clips of actions, 20k clips, one GPU", {"data": "video", "samples": 20000}),
        ("speech recognition on 1000 hours of audio", {"data": "audio", "task": "translate"}),
        ("caption images with text", {"data": "multimodal", "task": "translate"}),
        ("classify DNA sequences of length 100000", {"data": "text", "seq_len": 100000}),
        ("a 3-layer net on 5000 rows of a spreadsheet", {"data": "tabular", "samples": 5000}),
    ],
)
def test_numbers_that_measure_something_else_are_not_counts(questions, sentence, expected):
    answers = understand(sentence, questions).answers
    assert {key: answers.get(key) for key in expected} == expected
