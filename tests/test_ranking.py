"""The ranking's incremental scorer agrees with the full one on every change the search can make."""

from __future__ import annotations

import itertools
import random

from dlguide.advisor.whatif import _probes
from dlguide.catalogue import kb as knowledge
from dlguide.rules import ranking
from dlguide.rules.rules_schema import Profile


def test_rescorer_agrees_with_full_scoring_on_single_and_paired_changes():
    base = knowledge.load()
    chooser = random.Random(7)
    choices = {q.id: [c.id for c in q.choices] for q in base.questions.values() if q.kind == "choice"}
    checked = 0
    for _ in range(25):
        answers = {qid: chooser.choice(ids) for qid, ids in choices.items()}
        answers.update(samples=chooser.choice([200, 5000, 200000, 3000000]), labeled=chooser.choice([0.0, 0.1, 1.0]),
                       seq_len=chooser.choice([30, 800, 20000]), priority=chooser.sample(["speed", "quality"], 1))
        profile = Profile(answers=answers)
        rescorer = ranking.Rescorer(base, profile)
        probes = [(q.id, value) for q in base.questions.values() for value, _, _ in _probes(base, q, profile)]
        for (q1, v1), (q2, v2) in itertools.islice(itertools.combinations(probes, 2), 0, None, 7):
            for changed, questions in ((profile.with_answer(q1, v1), {q1}),
                                       (profile.with_answer(q1, v1).with_answer(q2, v2), {q1, q2})):
                assert rescorer.leader(changed, questions) == ranking.leader(base, changed)
                checked += 1
    assert checked > 1000
