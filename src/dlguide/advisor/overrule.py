"""When a second reader may change the word reader's answer: one rule for the sentence encoder and its word table.

Each reader gives, per question, every choice's log-probability. The word reader's own answer keeps a bonus,
``cue_weight`` where its cues spoke and ``guess_weight`` where only learned words did, so the second reader
changes it only where it is clearly surer. Where the word reader found nothing, the second reader answers
only if its choice has a probability of ``alone_floor`` or more: a sentence about no project leaves the
question open rather than take the least unlikely choice. A choice that does not apply to the answers read
so far (``barred``) is never taken. With ``sure_stands``, a sure reading (a synonym that clearly beat the
rest) is never changed: the word table reads words, not the sentence, so it cannot see that "none of it is
labeled" denies the labels it counts.
"""

from __future__ import annotations

import math


def overrule(questions: dict, found, log_probs: dict[str, dict[str, float]], cue_weight: float,
             guess_weight: float, alone_floor: float, reader: str, sure_stands: bool = False) -> dict[str, float]:
    """Change ``found`` (``describe.Understood``) where ``log_probs`` beat it; ``reader`` names who changed it.
    Returns each changed answer's log-probability."""
    from dlguide.advisor.describe import barred

    changed = {}
    for qid, probabilities in log_probs.items():  # data before task: a barred choice is never picked
        excluded = barred(questions[qid], found)
        scores = {choice: p for choice, p in probabilities.items() if choice not in excluded}
        if not scores:
            continue
        read = found.answers.get(qid)
        if sure_stands and read is not None and found.evidence.get(qid) and qid not in found.unsure:
            continue
        if read in scores:
            scores[read] += cue_weight if found.evidence.get(qid) else guess_weight
        best = max(scores, key=scores.get)
        if best == read or (read is None and math.exp(scores[best]) < alone_floor):
            continue
        found.answers[qid] = best
        found.evidence[qid] = ""
        found.learned[qid] = []
        found.unsure.add(qid)  # a second reader's word is a guess to confirm, as the learned layer's is
        found.encoder[qid] = reader
        changed[qid] = scores[best]
    return changed


def normalised(scores: dict[str, float]) -> dict[str, float]:
    """Scores as log-probabilities (a softmax, kept in logs)."""
    top = max(scores.values())
    total = math.log(sum(math.exp(s - top) for s in scores.values())) + top
    return {choice: s - total for choice, s in scores.items()}
