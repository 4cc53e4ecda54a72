"""The real terminal behind ``dlguide.advisor.questionnaire``: arrow-key menus, typed numbers, yes/no.

Menus are drawn on stderr so stdout stays clean, in cbreak mode with arrow keys where the terminal can
move its cursor; where it cannot (no termios, stdin or stderr not a terminal, ``TERM=dumb``) they become
numbered lists read line by line, with no escape codes at all. A reading the ``--describe`` sentence was
unsure of is offered as the question's default ("Images? (from 'crops')"): Enter keeps it. Ctrl-C raises
``KeyboardInterrupt``; end of input (Ctrl-D) raises ``InputEnded``, which the questionnaire turns into a
clean end. The terminal is always restored.
"""

from __future__ import annotations

import os
import re
import shutil
import sys

from dlguide.rules.rules_schema import UNKNOWN, Answer, Question

_UP, _DOWN = ("\x1b[A", "k"), ("\x1b[B", "j")


class InputEnded(Exception):
    """End of input (Ctrl-D, or a closed stdin) at a prompt: the person has nothing more to say."""


class TerminalPrompter:
    """Asks on a real terminal; see the module docstring for how it adapts to what the terminal can do."""

    def __init__(self, stdin=None, out=None) -> None:
        self.stdin = stdin or sys.stdin
        self.out = out or sys.stderr

    def _is_terminal(self, stream) -> bool:
        return bool(getattr(stream, "isatty", lambda: False)()) and os.environ.get("TERM", "") != "dumb"

    def tell(self, message: str) -> None:
        self.out.write(message + "\n")
        self.out.flush()

    def _paint(self, code: str, text: str) -> str:
        """Colour for a terminal; plain text under NO_COLOR (no-color.org), TERM=dumb or when not a terminal."""
        if os.environ.get("NO_COLOR") or not self._is_terminal(self.out):
            return text
        return f"\x1b[{code}m{text}\x1b[0m"

    def confirm(self, message: str) -> bool:
        self.out.write(f"{message} [y/N] ")
        self.out.flush()
        try:
            return self._line().strip().lower() in ("y", "yes")
        except InputEnded:
            return False

    def ask(self, question: Question, number: int, total: int, guess: tuple[Answer, str] | None = None) -> Answer:
        self.tell(f"\n{self._paint('1', f'question {number} of {total}:')} {question.prompt}")
        self.tell(self._paint("2", f"  {question.help}"))
        if question.kind in ("choice", "multi"):
            options = [(c.id, c.label, c.explain) for c in question.choices]
            options.append((UNKNOWN, "I don't know", "Leave it open; the advice will not rely on it."))
            start = [oid for oid, _, _ in options].index(guess[0]) if guess and guess[0] in [o[0] for o in options] else 0
            if guess:
                label = options[start][1]
                self.tell(self._paint("33", f"  {label}? ({guess[1]}) - Enter keeps it"))
            return self._menu(options, multi=question.kind == "multi", start=start)
        if guess:
            self.tell(self._paint("33", f"  {guess[0]}? ({guess[1]}) - Enter keeps it"))
        else:
            self.tell(self._paint("2", "  (type a value and press Enter; Enter alone means I don't know)"))
        self.out.write("  > ")
        self.out.flush()
        typed = self._line().strip()
        return typed or (guess[0] if guess else UNKNOWN)

    def _line(self) -> str:
        line = self.stdin.readline()
        if not line:
            raise InputEnded
        return line

    def _menu(self, options: list[tuple[str, str, str]], *, multi: bool, start: int = 0) -> Answer:
        try:
            import termios
            import tty
        except ImportError:  # pragma: no cover - Windows
            return self._numbered(options, multi=multi, start=start)
        if not (self._is_terminal(self.stdin) and self._is_terminal(self.out)):
            return self._numbered(options, multi=multi, start=start)
        fd = self.stdin.fileno()
        saved = termios.tcgetattr(fd)
        cursor, chosen, drawn = start, set(), 0
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
        data = os.read(fd, 1)
        if not data or data == b"\x04":  # end of input, or Ctrl-D typed at the menu
            raise InputEnded
        key = data.decode(errors="ignore")
        if key == "\x1b":
            key += os.read(fd, 2).decode(errors="ignore")
        return key

    def _numbered(self, options, *, multi: bool, start: int = 0) -> Answer:
        for index, (_, label, explain) in enumerate(options, start=1):
            self.tell(f"  {index}. {label} - {explain}")
        default = f" (Enter: {start + 1})" if start else ""
        self.out.write(f"  numbers, separated by commas{default} > " if multi else f"  number{default} > ")
        self.out.flush()
        picks = []
        for part in re.split(r"[,\s]+", self._line().strip()):
            if part.isdigit() and 1 <= int(part) <= len(options):
                picks.append(options[int(part) - 1][0])
            elif part:
                picks.append(part)
        if not picks and start:
            picks = [options[start][0]]
        if multi:
            return picks
        return picks[0] if picks else UNKNOWN
