"""The interactive `dlguide recommend`, driven through a real pseudo-terminal: arrow keys, Enter, Ctrl-C."""

from __future__ import annotations

import os
import select
import signal
import sys
import time

import pytest

from registry import needs_demos

pty = pytest.importorskip("pty", reason="pseudo-terminals need a POSIX system")

DOWN, UP, ENTER, SPACE, CTRL_C, CTRL_D = b"\x1b[B", b"\x1b[A", b"\r", b" ", b"\x03", b"\x04"


class Terminal:
    """A child `python -m dlguide ...` on a pseudo-terminal, with a transcript of everything it printed."""

    def __init__(self, *args: str, term: str = "xterm") -> None:
        env = {k: v for k, v in os.environ.items() if k != "DLGUIDE_KB"}
        env.update(COLUMNS="120", LINES="40", TERM=term)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the CLI
            # A background job (CI started with `&`) inherits SIGINT ignored; a person's terminal never does.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.execvpe(sys.executable, [sys.executable, "-m", "dlguide", *args], env)
        self.transcript = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.transcript:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"did not see {text!r}; got:\n{self.text()[-2000:]}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the program ended before {text!r}; got:\n{self.text()[-2000:]}")
                self.transcript += chunk

    def send(self, *keys: bytes) -> None:
        for key in keys:
            os.write(self.fd, key)
            time.sleep(0.05)  # one key per read, as a person types

    def wait(self, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    self.transcript += os.read(self.fd, 4096)
                except OSError:
                    pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, 9)
        raise AssertionError(f"the program did not end; got:\n{self.text()[-2000:]}")

    def text(self) -> str:
        return self.transcript.decode(errors="replace").replace("\r\n", "\n")


@needs_demos  # it ends at the offer to run the top pick's demo, which a core install replaces with how to install it
def test_asks_only_open_questions_with_arrow_keys_and_shows_the_answer():
    term = Terminal("recommend")
    term.expect("question 1 of 6")  # no sequence length while the data is not yet known
    term.expect("I don't know")
    term.send(DOWN, DOWN, UP, DOWN, ENTER)  # image, video, text: pick text
    term.expect("question 2 of 7")  # text is sequential, so its length is now asked too
    term.send(ENTER)  # classify
    term.expect("question 3 of 7")
    term.send(b"2k\r")
    term.expect("question 4 of 7")
    term.send(b"1.5\r")  # out of range: told why, asked again
    term.expect("out of range")
    term.send(b"0.5\r")
    term.expect("question 5 of 7")
    term.send(b"40\r")
    term.expect("question 6 of 7")
    term.send(ENTER)  # low compute
    term.expect("question 7 of 7")
    term.send(SPACE, DOWN, DOWN, SPACE, ENTER)  # speed and stability
    term.expect("1. Recurrent Neural Network (RNN, LSTM, GRU)")
    term.expect("[y/N]")
    term.send(b"n\r")
    assert term.wait() == 0
    output = term.text()
    assert "Gated Recurrent Unit" in output
    assert "Speed, Stability" in output
    assert "Traceback" not in output


def test_ctrl_c_leaves_cleanly_with_130():
    term = Terminal("recommend", "--data", "image")
    term.expect("question 1 of 5")
    term.expect("enter picks")  # the menu is up and reading keys
    term.send(CTRL_C)
    assert term.wait() == 130
    output = term.text()
    assert "Traceback" not in output
    assert [line for line in output.splitlines() if "interrupted" in line] == ["dlguide: interrupted"]


@needs_demos  # it ends at the offer to run the top pick's demo, which a core install replaces with how to install it
def test_describe_asks_only_what_it_could_not_tell():
    term = Terminal("recommend", "--describe", "800 chest x-rays, a tenth labeled, find pneumonia on a laptop")
    term.expect("Understood: data=image (from 'x-rays')")
    term.expect("question 1 of 1")  # only the priority is left
    term.send(ENTER)  # nothing toggled: no particular priority
    term.expect("[y/N]")
    term.send(b"\r")
    assert term.wait() == 0
    assert "1. CNN · Convolutional Neural Network" in term.text()


def test_ctrl_d_at_a_menu_ends_with_the_usage_error_for_what_is_missing():
    term = Terminal("recommend")
    term.expect("question 1 of 6")
    term.expect("enter picks")
    term.send(CTRL_D)
    assert term.wait() == 2
    output = term.text()
    assert "missing answers: --data, --task; input ended before they were answered" in output
    assert output.count("question 1 of") == 1  # asked once, never again
    assert "Traceback" not in output


def test_ctrl_d_at_a_typed_answer_ends_the_questionnaire_and_still_recommends():
    term = Terminal("recommend", "--data", "image", "--task", "classify")
    term.expect("question 1 of 4")
    term.expect("> ")
    term.send(CTRL_D)
    assert term.wait() == 0
    output = term.text()
    assert "1. CNN · Convolutional Neural Network" in output
    assert "question 2 of" not in output and "[y/N]" not in output


def test_a_guess_from_the_sentence_is_confirmed_in_its_question():
    term = Terminal("recommend", "--describe", "a classifier for leaf crops, 3k of them, on a laptop")
    term.expect("data=image (from 'leaf'; a guess)")
    term.expect("question 1 of")
    term.expect("Images? (from 'leaf') - Enter keeps it")
    term.send(ENTER)
    term.expect("question 2 of 4")  # the guess kept: data is no longer open
    term.send(CTRL_C)
    assert term.wait() == 130
    assert "m Images\n" in term.text()  # the menu's confirmation line


@needs_demos  # it ends at the offer to run the top pick's demo, which a core install replaces with how to install it
def test_term_dumb_gets_numbered_menus_and_no_escape_codes():
    term = Terminal("recommend", "--data", "image", "--task", "classify", "--samples", "800", "--labeled", "0.1",
                    term="dumb")
    term.expect("question 1 of 2")
    term.expect("1. Low - a laptop CPU")
    term.send(b"1\r")
    term.expect("question 2 of 2")
    term.send(b"1,3\r")
    term.expect("[y/N]")
    term.send(b"n\r")
    assert term.wait() == 0
    prompts = term.transcript.split(b"1. CNN")[0]  # the questionnaire's part, before the results
    assert b"\x1b[" not in prompts
