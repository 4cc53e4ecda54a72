"""The ``--describe`` reader's learned layer: word weights fitted on the corpus, added to the cues' evidence.

The cues in ``questions.yaml`` say what a person wrote down; they miss the words nobody listed ("tercets",
"light curves"). ``knowledge/learned.yaml`` holds, per choice question, the weights of a multinomial
logistic regression on word stems and stem pairs, fitted by ``benchmarks/learn.py`` on the development
part of the corpus only. Reading a sentence, each learned word adds its weight, times the file's
``weight``, to the choices' evidence, so words the cues do not know count, and many learned words together
can outweigh a cue that was misled. No numpy at run time: a weight is a dictionary lookup.

What the layer decided is said: an answer it changed, or gave where no cue spoke, is a guess to confirm
("learned from 'tercets', 'verse'"). It overrules a cue or answers alone only where its words weigh at
least ``ALONE``, and answers alone only from ``ALONE_WORDS`` words or more.
"""

from __future__ import annotations

from dlguide.advisor.words import Text, fingerprint
from dlguide.rules.learned_schema import Learned

# The learned evidence that may overrule a cue, or answer where no cue spoke: two thirds of a synonym, high
# enough that one common word ("data") decides nothing. benchmarks/learn.py --alone on 5,716 development
# items: 1.5 and 2.0 read 80.6% and 80.5% both right (5-fold), and gave a made-up task to 22% and 15% of
# 1,000 sentences about no project (docstrings); 2.5 cost 0.4 points. An earlier --as-it-came had 2 losing
# half a point on 1,313 items, when the layer knew fewer words.
ALONE = 2.0
# Where no cue spoke, the learned words that must agree before the layer answers: one word, however strong,
# is no description of a goal ("images" says nothing of what to do with them). --as-it-came: no change.
ALONE_WORDS = 2
LEARNED = "learned from "  # how the words the layer decided by are introduced


def features(text: Text, stop: frozenset[str], skip: frozenset[int] = frozenset()) -> dict[str, str]:
    """The sentence's learned features: stems and pairs of neighbouring stems, each with its words as written.

    Stop words are left out before pairing, so "photos of cats" pairs "photo cat"; so are the tokens at
    ``skip`` (what a question's not-cues took: "the following" is nobody's follower). Training and reading
    call this same function, so the two cannot drift apart.
    """
    kept = [t for index, t in enumerate(text.tokens)
            if t.kind == "word" and t.text.lower() not in stop and index not in skip]
    found: dict[str, str] = {}
    for index, token in enumerate(kept):
        found.setdefault(token.stem, token.text)
        if index:
            previous = kept[index - 1]
            found.setdefault(f"{previous.stem} {token.stem}", f"{previous.text} {token.text}")
    return found


def evidence(learned: Learned, text: Text, skip: frozenset[int] = frozenset()) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Each choice's learned evidence in ``text``, and the words that gave it, heaviest first.

    Weights fitted with another stemmer would be looked up under other stems: then there is none.
    """
    if learned.stemmer != fingerprint():
        return {}, {}
    totals: dict[str, float] = {}
    words: dict[str, list[tuple[float, str]]] = {}
    for feature, written in features(text, learned.stop, skip).items():
        for choice, weight in learned.words.get(feature, {}).items():
            totals[choice] = totals.get(choice, 0.0) + learned.weight * weight
            if weight > 0:
                words.setdefault(choice, []).append((weight, written))
    return totals, {choice: [w for _, w in sorted(found, reverse=True)] for choice, found in words.items()}


def problems(questions: dict) -> list[str]:
    """What is wrong with the learned weights of ``questions`` that loading could not tell (``kb validate``)."""
    stale = sorted({q.learned.stemmer for q in questions.values() if q.learned is not None} - {fingerprint()})
    return [f"learned.yaml: fitted with another stemmer ({', '.join(stale)}, now {fingerprint()}), so the reader "
            "ignores it; refit it with 'python benchmarks/learn.py', or delete it"] if stale else []


def source(words: str, learned: list[str] = (), encoder: str = "") -> str:
    """Where an answer came from, as a person reads it: "from 'x-rays'", "learned from 'tercets', 'verse'",
    "from 'next', and learned from 'month'", or "read by the sentence encoder, leaning on 'designs'"."""
    if encoder:  # a second reader (``encoder``, its name) changed it: the words it leaned on most
        leaning = ", leaning on " + ", ".join(f"'{word}'" for word in learned) if learned else ""
        return f"read by {encoder}{leaning}"
    said = f"from '{words}'" if words else ""
    if not learned:
        return said
    taught = LEARNED + ", ".join(f"'{word}'" for word in learned)
    return f"{said}, and {taught}" if said else taught
