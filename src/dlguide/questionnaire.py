"""The only module that prompts: flags, an answers file and free text become one validated profile.

Every answer, whether typed as a flag, read from a saved YAML file, found in a ``--describe`` sentence
or picked from a menu, goes through ``parse_answer``, so a bad value fails the same way everywhere: a
usage error (exit 2) listing what is allowed, with a did-you-mean. Precedence is answers file, then the
sentence, then flags. What is still open is asked one question at a time ("question 2 of 5") when the
run is interactive, skipping questions that do not apply (``ask_when``); otherwise it takes "unknown",
except for required questions, whose absence is a usage error. The prompt function is injected
(``Prompter``) so tests drive it; ``TerminalPrompter`` is the real one (arrow keys in raw mode on stderr,
a numbered menu where raw mode is unavailable). Ctrl-C surfaces as ``KeyboardInterrupt`` for the CLI.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol


from dlguide.errors import UnknownNameError, UsageError, WriteFailed
from dlguide.kb import dump_yaml, read_yaml
from dlguide.rules_schema import UNKNOWN, Answer, Profile, Question

_DONT_KNOW = {UNKNOWN, "?", "dont-know", "don't know", "dont know", "idk", "none", ""}
_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}


class Prompter(Protocol):
    def ask(self, question: Question, number: int, total: int) -> Answer:
        """Ask one question and return a raw answer; parse_answer validates it."""

    def confirm(self, message: str) -> bool:
        """Ask a yes/no question; default no."""

    def tell(self, message: str) -> None:
        """Show a line to the person (on stderr)."""


@dataclass
class Gathered:
    """The profile, plus what a --describe sentence was understood to say (for showing it back)."""

    profile: Profile
    understood: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)


def parse_answer(question: Question, raw: Any, *, source: str | None = None) -> Answer:
    """Validate one raw answer (a string, number or list) for ``question``; raise a usage error if bad."""
    where = source or f"--{question.id.replace('_', '-')}"
    if isinstance(raw, str) and raw.strip().lower() in _DONT_KNOW:
        return [] if question.kind == "multi" else UNKNOWN
    if question.kind == "choice":
        return _choice(question, raw, where)
    if question.kind == "multi":
        items = raw if isinstance(raw, (list, tuple)) else re.split(r"[,\s]+", str(raw))
        values = [_choice(question, item, where) for item in items if str(item).strip().lower() not in _DONT_KNOW]
        return list(dict.fromkeys(v for v in values if v != UNKNOWN))
    return _number(question, raw, where)


def _choice(question: Question, raw: Any, where: str) -> str:
    text = str(raw).strip().lower()
    ids = question.choice_ids()
    if text in ids:
        return text
    # Suggest by spelling, and by meaning: '--data pictures' is a synonym of 'image'.
    close = difflib.get_close_matches(text, ids, n=2, cutoff=0.6)
    for choice in question.choices:
        if text in choice.synonyms or text.rstrip("s") in choice.synonyms or text == choice.label.lower():
            close.insert(0, choice.id)
    suggestions = list(dict.fromkeys(close))[:2]
    raise UnknownNameError(f"value for {where}:", text, [*ids, UNKNOWN], suggestions)


def _number(question: Question, raw: Any, where: str) -> float | int:
    value = _to_number(raw)
    if value is None:
        raise UsageError(f"{where}: expected {_range_words(question)}, got {raw!r}")
    if question.kind == "number" and question.integer:
        if value != int(value):
            raise UsageError(f"{where}: expected {_range_words(question)}, got {raw!r}")
        value = int(value)
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise UsageError(f"{where}: {raw!r} is out of range; expected {_range_words(question)}")
    return value


def _to_number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    text = str(raw).strip().lower().replace("_", "").replace(",", "")
    match = re.fullmatch(r"(\d+(?:\.\d+)?|\.\d+)\s*(%|k|m|b)?", text)
    if not match:
        return None
    number = float(match.group(1))
    suffix = match.group(2)
    if suffix == "%":
        return number / 100
    return number * _SUFFIX[suffix] if suffix else number


def _range_words(question: Question) -> str:
    if question.kind == "fraction":
        return f"a fraction from {question.minimum:g} to {question.maximum:g} (0.1 or 10% means one in ten), or 'unknown'"
    kind = "a whole number" if question.integer else "a number"
    bound = f" of at least {question.minimum:g}" if question.minimum is not None else ""
    return f"{kind}{bound} (2000, 2k and 1.5M work), or 'unknown'"


def read_answers(path: Path, questions: dict[str, Question]) -> dict[str, Answer]:
    """A saved profile: a YAML mapping of question id to answer, every answer validated."""
    problems: list[str] = []
    data = read_yaml(Path(path), problems)
    if problems:
        raise UsageError(problems[0].replace(": cannot read:", ": cannot read the answers file:"))
    if isinstance(data, dict) and isinstance(data.get("profile"), dict):
        data = data["profile"]  # a --json result can be fed back as an answers file
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of question ids to answers, e.g. 'data: image'")
    answers: dict[str, Answer] = {}
    for key, raw in data.items():
        qid = str(key).replace("-", "_")
        if qid not in questions:
            close = difflib.get_close_matches(qid, list(questions), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise UsageError(f"{path}: field {key!r}: unknown question{hint} (known: {', '.join(questions)})")
        answers[qid] = parse_answer(questions[qid], raw, source=f"{path}: field {key!r}")
    return answers


def write_answers(path: Path | str, profile: dict[str, Any], *, force: bool = False, inputs: list[Any] = ()) -> Path:
    """Save a profile so that ``--answers`` reproduces this run, through the one write rule.

    ``dlguide.demos.lpfiles`` decides: an existing file is replaced only with ``force``, an input of
    this run (the ``--answers`` file) never, and an empty path is refused. A file is never replaced for
    looking like a profile: a user's config.yaml with a ``data:`` key is still the user's. The check
    runs again here although ``recommend`` made it before asking anything, since time has passed.
    """
    from dlguide.demos.lpfiles import check_file, write_text

    target = check_file(path, force=force, inputs=inputs, what="--save", example="profile.yaml")
    try:
        return write_text(target, dump_yaml(dict(profile)))
    except OSError as exc:
        raise WriteFailed(f"--save {target}: cannot write: {exc.strerror or exc}") from exc


def gather(
    questions: dict[str, Question],
    *,
    flags: dict[str, Any],
    answers_file: Path | None = None,
    describe: str | None = None,
    prompter: Prompter | None = None,
    on_understood: Callable[[dict[str, str], dict[str, Answer]], None] | None = None,
) -> Gathered:
    """Merge the sources into a profile and ask (with ``prompter``) or default what is still open."""
    answers: dict[str, Answer] = read_answers(answers_file, questions) if answers_file else {}
    understood: dict[str, str] = {}
    if describe:
        from dlguide.describe import understand  # compiles its patterns; only --describe needs them

        found = understand(describe, questions)
        for qid, value in found.answers.items():
            answers[qid] = parse_answer(questions[qid], value, source="--describe")
            understood[qid] = found.evidence[qid]
        if on_understood and understood:
            on_understood(understood, answers)
    for qid, raw in flags.items():
        if raw is not None and raw != [] and qid in questions:
            answers[qid] = parse_answer(questions[qid], raw)
    gathered = Gathered(Profile(answers=answers), understood)
    if prompter is None:
        missing = [q for q in questions.values() if q.required and Profile(answers=answers).is_unknown(q.id)]
        if missing:
            flags_text = ", ".join(f"--{q.id.replace('_', '-')}" for q in missing)
            said = " (--describe did not say)" if describe else ""
            raise UsageError(f"missing answers: {flags_text}{said}; give them as flags, or run in a terminal to be asked")
        return gathered
    return _ask_open(questions, answers, gathered, prompter)


def _ask_open(questions: dict[str, Question], answers: dict[str, Answer], gathered: Gathered, prompter: Prompter) -> Gathered:
    from dlguide.ranking import evaluate  # the same three-valued logic as the rules decides ask_when

    def applies(question: Question) -> bool:
        return question.ask_when is None or evaluate(question.ask_when, Profile(answers=answers))[0] is True

    def still_open() -> list[Question]:
        return [q for q in questions.values() if q.id not in answers and applies(q)]

    asked = 0
    while True:
        pending = still_open()
        if not pending:
            break
        question = pending[0]
        asked += 1
        while True:
            try:
                answers[question.id] = parse_answer(question, prompter.ask(question, asked, asked + len(pending) - 1), source=question.id)
                break
            except UsageError as exc:
                prompter.tell(exc.message)
        gathered.asked.append(question.id)
    gathered.profile = Profile(answers=answers)
    return gathered



# ---- The real terminal ---------------------------------------------------------------------------

_UP, _DOWN = ("\x1b[A", "k"), ("\x1b[B", "j")


class TerminalPrompter:
    """Asks on a real terminal: arrow-key menus in cbreak mode, drawn on stderr so stdout stays clean.

    Where raw key reading is impossible (no termios, or stdin is not a terminal) menus fall back to
    numbered choices read line by line. Ctrl-C raises KeyboardInterrupt; the terminal is always restored.
    """

    def __init__(self, stdin=None, out=None) -> None:
        self.stdin = stdin or sys.stdin
        self.out = out or sys.stderr

    def tell(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()

    def _paint(self, code: str, text: str) -> str:
        """Colour for a terminal; plain text under NO_COLOR (no-color.org) or when not a terminal."""
        if os.environ.get("NO_COLOR") or not getattr(self.out, "isatty", lambda: False)():
            return text
        return f"\x1b[{code}m{text}\x1b[0m"

    def confirm(self, message: str) -> bool:
        self.out.write(f"{message} [y/N] ")
        self.out.flush()
        return self._line().strip().lower() in ("y", "yes")

    def ask(self, question: Question, number: int, total: int) -> Answer:
        self.tell(f"\n{self._paint('1', f'question {number} of {total}:')} {question.prompt}")
        self.tell(self._paint("2", f"  {question.help}"))
        if question.kind in ("choice", "multi"):
            options = [(c.id, c.label, c.explain) for c in question.choices]
            options.append((UNKNOWN, "I don't know", "Leave it open; the advice will not rely on it."))
            return self._menu(options, multi=question.kind == "multi")
        self.tell(self._paint("2", "  (type a value and press Enter; Enter alone means I don't know)"))
        self.out.write("  > ")
        self.out.flush()
        return self._line().strip() or UNKNOWN

    def _line(self) -> str:
        line = self.stdin.readline()
        if not line:
            raise UsageError("input ended before every question was answered")
        return line

    def _menu(self, options: list[tuple[str, str, str]], *, multi: bool) -> Answer:
        try:
            import termios
            import tty
        except ImportError:  # pragma: no cover - Windows
            return self._numbered(options, multi=multi)
        if not self.stdin.isatty():
            return self._numbered(options, multi=multi)
        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        cursor, chosen, drawn = 0, set(), 0
        try:
            tty.setcbreak(fd, termios.TCSANOW)  # TCSANOW keeps keys typed ahead
            while True:
                drawn = self._draw(options, cursor, chosen, multi, drawn)
                key = self._key(fd)
                if key in _UP:
                    cursor = (cursor - 1) % len(options)
                elif key in _DOWN:
                    cursor = (cursor + 1) % len(options)
                elif key.isdigit() and 1 <= int(key) <= len(options):
                    cursor = int(key) - 1
                elif key == " " and multi:
                    chosen ^= {cursor}
                elif key in ("\r", "\n"):
                    break
                elif key == "\x03":
                    raise KeyboardInterrupt
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        picked = [options[i][0] for i in sorted(chosen)] if multi else [options[cursor][0]]
        if multi and not chosen:
            picked = [options[cursor][0]] if options[cursor][0] == UNKNOWN else []
        self.out.write(f"\x1b[{drawn}F\x1b[J")
        labels = [label for oid, label, _ in options if oid in picked]
        self.tell(f"  {self._paint('32', '✓')} {', '.join(labels) or 'nothing in particular'}")
        return picked if multi else picked[0]

    def _draw(self, options, cursor: int, chosen: set, multi: bool, drawn: int) -> int:
        width = max(shutil.get_terminal_size((80, 24)).columns - 1, 20)
        if drawn:
            self.out.write(f"\x1b[{drawn}F\x1b[J")
        hint = "arrows move, space toggles, enter confirms" if multi else "arrows move, enter picks"
        lines = [self._paint("2", f"  ({hint})")]
        for index, (_, label, explain) in enumerate(options):
            mark = ("[x] " if index in chosen else "[ ] ") if multi else ""
            pointer = "❯" if index == cursor else " "
            text = f"{pointer} {mark}{label} - {explain}"[:width]
            lines.append(self._paint("7", text) if index == cursor else text)
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        return len(lines)

    @staticmethod
    def _key(fd: int) -> str:
        key = os.read(fd, 1).decode(errors="ignore")
        if key == "\x1b":
            key += os.read(fd, 2).decode(errors="ignore")
        if key == "\x04":
            raise UsageError("input ended before every question was answered")
        return key

    def _numbered(self, options, *, multi: bool) -> Answer:
        for index, (_, label, explain) in enumerate(options, start=1):
            self.tell(f"  {index}. {label} - {explain}")
        self.out.write("  numbers, separated by commas > " if multi else "  number > ")
        self.out.flush()
        picks = []
        for part in re.split(r"[,\s]+", self._line().strip()):
            if part.isdigit() and 1 <= int(part) <= len(options):
                picks.append(options[int(part) - 1][0])
            elif part:
                picks.append(part)
        if multi:
            return picks
        return picks[0] if picks else UNKNOWN


def demo_offer(prompter: Prompter, family_id: str, family_name: str, extra_installed: bool, install: str) -> bool:
    """At the end of an interactive run: offer the top pick's demo, or say how to make it possible."""
    if not extra_installed:
        prompter.tell(f"To watch a {family_name} demo, install the demos extra: {install}")
        return False
    return prompter.confirm(f"Run the {family_name} demo now?")
