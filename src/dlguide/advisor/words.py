"""Words for the ``--describe`` reader: a sentence as tokens with their stems and places, and cue phrases.

A light suffix-stripping stemmer puts the forms of a word together ("generate", "generates", "generation",
"generator" and "generative" all become "generat"; "labeled" and "labelled" become "label"). It is written
here, not taken from snowballstemmer, because the reader stems every cue word in ``questions.yaml`` whenever
they change (``cues``): Snowball's pure-Python English stemmer needs about 30 ms for that vocabulary, a fifth of the CLI's
whole start-up, where these few string tests need about 3 ms. It only has to stem cues and text the same
way, not to produce dictionary words.

A ``Phrase`` matches tokens in order, stem against stem (a cue stem of seven letters or more also finds a
slightly longer stem it starts: "segment" finds "segmentat"), with up to ``GAP`` other words between its
words but never across a punctuation mark: "predict the monthly price" contains "predict price".
"""

from __future__ import annotations

import re
from functools import lru_cache

GAP = 2
"""Words that may stand between two words of a phrase ("remove the background noise" has "remove noise")."""

SIZE = "#size"
"""The stem of a picture's size in pixels ("224x224", "512 x 512", "1x256x256"): a cue written as a size finds any."""
COUNT = "#count"
"""The stem a cue writes as ``<n>`` ("<n> classes"): it finds any number of things, in digits or in words."""
COUNT_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                         "fifteen", "twenty", "thirty", "fifty", "hundred", "hundreds", "dozen", "dozens",
                         "thousand", "thousands", "several"})

_TOKEN = re.compile(
    r"(?P<size>(?<![\w.])\d{1,5}\s?[x×]\s?\d{1,5}(?:\s?[x×]\s?\d{1,5})?(?:\s?(?:px|pixels?))?(?![\w.]))"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\u0020\d{3})+(?![\d.,])|\d*\.\d+|\d+)"
    r"(?P<suffix>k|mm|m|bn|b|%)?(?!\w)"
    r"|(?P<arrow>->|=>|→|⟶|⇒)"
    r"|(?P<word>[^\W\d_][\w]*(?:['’][^\W\d_]+)?)"
    r"|(?P<punct>[.;:!?()\[\]\"/]|,(?!\d{3})|\s[-–—]\s)",
    re.IGNORECASE,
)
# Suffixes, longest first, and what each becomes; a stem keeps at least three letters.
_SUFFIXES = (
    ("ification", "if"), ("izations", ""), ("ization", ""), ("isation", ""), ("ational", "at"), ("ations", "at"),
    ("ation", "at"), ("itions", ""), ("ition", ""), ("ifiers", "if"), ("ifier", "if"), ("ified", "if"),
    ("ifying", "if"), ("ify", "if"), ("ators", "at"), ("ator", "at"), ("ative", "at"), ("ating", "at"),
    ("ated", "at"), ("ate", "at"), ("izing", ""), ("ising", ""), ("izer", ""), ("iser", ""), ("ized", ""),
    ("ised", ""), ("ize", ""), ("ise", ""), ("ions", ""), ("ion", ""), ("ive", ""), ("ings", ""), ("ing", ""),
    ("ors", ""), ("or", ""), ("ers", ""), ("er", ""), ("ed", ""), ("ly", ""), ("ory", "or"), ("ary", "ar"),
)
_KEEP = {"news", "series", "species", "mass", "gas", "bus", "less", "lens", "ios", "windows", "us", "its", "this",
         "has", "was", "is", "as", "yes", "plus", "focus", "bias", "corpus", "status", "census", "virus", "atlas",
         "process", "access", "business", "customer", "project", "reading", "readings"}


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """The stem of one word; the same for its plural, its -ing, -ed, -er, -ion and -ation forms."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'")
    if len(w) <= 3 or w in _KEEP or not w.isalpha():
        return w
    if w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w in _KEEP:
        return w
    for suffix, replacement in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + replacement
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] in "bdgklmnprt":
        w = w[:-1]  # labell -> label, plann -> plan
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    elif len(w) > 3 and w.endswith("y"):
        w = w[:-1] + "i"
    return w


def same(cue: str, word: str) -> bool:
    """Whether a cue stem finds a text stem: equal, or a long cue stem that the word only extends a little.

    One way only: the cue "detect" finds "detector", but the cue "segmentation" does not find a river's
    "segment".
    """
    return cue == word or (len(cue) >= 7 and word.startswith(cue) and len(word) - len(cue) <= 3)


# Plain classes with __slots__, not dataclasses: a dataclass writes and compiles its methods at import,
# about half a millisecond each, and --describe's start-up is measured.
class Token:
    """One word, number or punctuation mark of a sentence, with its place."""

    __slots__ = ("kind", "text", "stem", "start", "end", "suffix", "glued")

    def __init__(self, kind: str, text: str, stem: str, start: int, end: int, suffix: str = "", glued: bool = False):
        self.kind = kind  # word, num or punct
        self.text = text  # as written
        self.stem = stem  # words: the stem; numbers: the digits; punctuation: the mark
        self.start, self.end = start, end  # place in the original text
        self.suffix = suffix  # numbers: k, m, b or % written right after the digits
        self.glued = glued  # numbers: joined to a word by a hyphen ("ResNet-50", "10-second"): a name or a measure


def tokenize(text: str) -> list[Token]:
    """Words, numbers and punctuation marks of ``text``, with their places; everything else is space."""
    tokens = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if match.group("size"):
            tokens.append(Token("word", match.group(0), SIZE, start, end))
        elif match.group("arrow"):
            # "piano recording -> MIDI notes": an arrow turns one thing into another.
            tokens.append(Token("word", "into", "into", start, end))
        elif match.group("word"):
            tokens.append(Token("word", match.group(0), stem(match.group(0)), start, end))
        elif match.group("num"):
            glued = (start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()) or (
                end + 1 < len(text) and text[end] == "-" and text[end + 1].isalpha())
            tokens.append(Token("num", match.group(0), match.group("num"), start, end,
                                (match.group("suffix") or "").lower(), glued))
        elif match.group(0) == "/" and _between_words(text, start):
            # "yes/no", "real/fake", "user/product matrix": a slash between two words reads as "or".
            tokens.append(Token("word", "or", "or", start, end))
        else:
            tokens.append(Token("punct", match.group(0).strip(), match.group(0).strip(), start, end))
    return tokens


def _between_words(text: str, at: int) -> bool:
    return 0 < at < len(text) - 1 and text[at - 1].isalpha() and text[at + 1].isalpha()


class Phrase:
    """A cue phrase from ``questions.yaml`` as stems, with what finding it means and how much it weighs."""

    __slots__ = ("stems", "words", "weight", "owner", "capitals", "forms")

    def __init__(self, stems: tuple[str, ...], words: str, weight: float = 1.0, owner: str = "") -> None:
        self.stems = stems
        self.words = words  # as written in questions.yaml
        self.weight = weight
        self.owner = owner  # the choice it points to
        # A cue written in capitals is an acronym that is also a word ("CLIP" the model, not a video clip;
        # "SAM", "CT"): it finds only words written in capitals.
        self.capitals = words.isupper()
        # A stem of three letters or fewer is too short to stand for a family of words: "note" and "not" share
        # "not", "coming" and "come" share "com", the metric "WER" and "were" share "wer". Such a word finds
        # only itself (and its plural).
        # A word written "=drawing" finds only itself and its plural too: the picture, not the verb "draws".
        self.forms = None
        marked = _MARKED.findall(words.lower().replace("<n>", "#"))  # the tokenizer's words and numbers
        if len(marked) == len(stems) and any(exact or len(s) <= SHORT_STEM for (exact, _), s in zip(marked, stems)):
            self.forms = tuple(w if exact or len(s) <= SHORT_STEM else None for (exact, w), s in zip(marked, stems))

    def __repr__(self) -> str:
        return f"Phrase({self.words!r}, {self.weight}, {self.owner!r})"

    def find(self, text: "Text") -> list[tuple[int, int]]:
        """Every (first, last) token index where the phrase occurs in ``text``."""
        return [(used[0], used[-1]) for used in self.occurrences(text)]

    def occurrences(self, text: "Text") -> list[tuple[int, ...]]:
        """For every occurrence, the indexes of the tokens its words matched (not the words between)."""
        found = []
        for first in text.places(self.stems[0]):
            used = _rest(self.stems, text.tokens, first, len(text.tokens), GAP)
            if used is not None and (not self.capitals or all(_capitals(text.tokens[i].text) for i in used)) and (
                    self.forms is None or all(_same_form(form, text.tokens[i].text) for form, i in zip(self.forms, used))):
                found.append(used)
        return found


class Text:
    """A sentence as tokens, indexed by stem so that each cue looks only where its first word is."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.tokens = tokenize(raw)
        self._exact: dict[str, list[int]] = {}
        self._head: dict[str, list[int]] = {}
        for index, token in enumerate(self.tokens):
            if token.kind != "punct":  # numbers too: "2080 ti", "8 gpus"
                self._exact.setdefault(token.stem, []).append(index)
                if _counts(token):
                    self._exact.setdefault(COUNT, []).append(index)
                if len(token.stem) >= 7:
                    self._head.setdefault(token.stem[:7], []).append(index)

    def places(self, cue: str) -> list[int]:
        """Indexes of the tokens whose stem the cue stem finds (see ``same``)."""
        if len(cue) < 7:
            return self._exact.get(cue, [])
        return [i for i in self._head.get(cue[:7], []) if same(cue, self.tokens[i].stem)]  # longer words only

    def span(self, first: int, last: int) -> str:
        """The original words from token ``first`` to token ``last``."""
        return self.raw[self.tokens[first].start: self.tokens[last].end]


SHORT_STEM = 3
_MARKED = re.compile(r"(=?)([^\W\d_][\w]*(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)*|#)")


def _same_form(form: str | None, word: str) -> bool:
    """A short cue word against a text word: the same word, or its plural or possessive."""
    if form is None:
        return True
    word = word.lower().replace("’", "'")
    return word == form or word in (form + "s", form + "es", form + "'s") or form.rstrip("s") == word


def _capitals(word: str) -> bool:
    """Whether a word is written in capitals, a plural 's' or a version number aside ("CLIPs", "SAM2")."""
    letters = [c for c in word.rstrip("s") if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _counts(token: Token) -> bool:
    """Whether a token can count things: "12", "six", "dozens"; not "ResNet-50", not "30%"."""
    if token.kind == "num":
        return not token.glued and token.suffix != "%"
    return token.kind == "word" and token.stem in COUNT_WORDS


def _rest(stems: tuple[str, ...], tokens: list[Token], at: int, stop: int, gap: int) -> tuple[int, ...] | None:
    used = [at]
    for part in stems[1:]:
        for step in range(1, gap + 2):
            index = at + step
            if index >= stop or tokens[index].kind == "punct":
                return None
            if same(part, tokens[index].stem) or (part == COUNT and _counts(tokens[index])):
                at = index
                used.append(index)
                break
        else:
            return None
    return tuple(used)


def stems_of(words: str) -> tuple[str, ...]:
    """The stems of a cue's words, in order."""
    pieces = words.split("<n>")  # "<n> classes": a count, then the word
    stems: list[str] = []
    for number, piece in enumerate(pieces):
        if number:
            stems.append(COUNT)
        stems += [token.stem for token in tokenize(piece) if token.kind != "punct"]
    return tuple(stems)


def phrase(words: str, weight: float = 1.0, owner: str = "") -> Phrase | None:
    """A cue as a Phrase; None for a cue with no words in it."""
    stems = stems_of(words)
    return Phrase(stems, words, weight, owner) if stems else None


STEMMER_VERSION = 1
"""Raise it with any change to how ``stem`` works that its tables above do not show."""


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A short hash of how text becomes stems; learned weights are only valid for the same one."""
    import hashlib

    made = repr((_TOKEN.pattern, _SUFFIXES, sorted(_KEEP), STEMMER_VERSION))
    return hashlib.sha1(made.encode("utf-8")).hexdigest()[:12]
