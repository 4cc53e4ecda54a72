"""The ``recommend`` command: which architecture family fits this data and goal, and why.

Parses the options, lets ``dlguide.advisor.questionnaire`` turn flags, an answers file, a sentence and (in a
terminal) the person's answers into a profile, asks ``dlguide.advisor.engine`` for the ranked result and hands it
to ``dlguide.rendering.render_recommend``. Non-interactive runs import nothing heavy: no torch, no scikit-learn.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dlguide.errors import DEMOS_INSTALL, UsageError
from dlguide.options import JsonOption, KbOption, MarkdownOption, output_format

def _opt(flag: str, text: str):
    return typer.Option(flag, help=text, show_default=False)


def recommend(
    ctx: typer.Context,
    data: Annotated[Optional[str], _opt("--data", "image, video, text, audio, time-series, tabular, graph, multimodal.")] = None,
    task: Annotated[Optional[str], _opt("--task", "classify, detect, segment, regress, forecast, generate, translate, anomaly, denoise, compress, embed, link.")] = None,
    samples: Annotated[Optional[str], _opt("--samples", "Training examples (nodes for a graph), e.g. 800, 2k, 1.5M.")] = None,
    labeled: Annotated[Optional[str], _opt("--labeled", "Fraction with labels, 0..1 (0.1 or 10%).")] = None,
    seq_len: Annotated[Optional[str], _opt("--seq-len", "Typical sequence length in steps (sequential data only).")] = None,
    compute: Annotated[Optional[str], _opt("--compute", "low (laptop CPU), medium (one GPU), high (many GPUs).")] = None,
    priority: Annotated[Optional[list[str]], _opt("--priority", "speed, quality, stability, interpretability; repeatable.")] = None,
    describe: Annotated[Optional[str], _opt("--describe", "Your situation in a sentence; what it cannot tell is asked.")] = None,
    reader: Annotated[str, _opt("--reader", "How --describe reads: 'words' (fast, the default: the cues, learned words and the sentence encoder's word table) or 'encoder' (the sentence encoder itself beside the words; needs the 'reader' extra, a few seconds).")] = "words",
    set_: Annotated[Optional[list[str]], _opt("--set", "Answer any question in questions.yaml by id, e.g. --set data=image; repeatable.")] = None,
    answers: Annotated[Optional[Path], _opt("--answers", "Read a saved profile (YAML) written by --save.")] = None,
    save: Annotated[Optional[str], _opt("--save", "Write the profile used to this YAML file.")] = None,
    force: Annotated[bool, _opt("--force", "With --save: replace an existing file (never the --answers file).")] = False,
    as_json: JsonOption = False,
    as_markdown: MarkdownOption = False,
    explain: Annotated[bool, _opt("--explain", "Also show every rule: fired or not, and the condition that failed.")] = False,
    no_input: Annotated[bool, _opt("--no-input", "Never ask; open questions take 'unknown'.")] = False,
    kb: KbOption = None,
) -> int:
    """Recommend an architecture family for your data and goal, with the reasons behind the ranking."""
    from dlguide.advisor import engine, questionnaire
    from dlguide.catalogue import kb as knowledge
    from dlguide.rendering import render_recommend
    from dlguide.rendering.output import emit, emit_json, emit_markdown, note

    fmt = output_format(as_json, as_markdown)
    base = knowledge.load(kb)
    engine.check_ready(base)
    if save is not None:  # the destination is checked before any question is asked
        from dlguide.demos.lpfiles import check_file

        inputs = [answers, *base.root.rglob("*.yaml")]  # never written onto, not even with --force
        check_file(save, force=force, inputs=inputs, what="--save", example="profile.yaml")
    flags, sources = _flags(ctx.params, set_ or [], base.questions)
    refine = _reader(reader, describe, base)
    prompter = None
    if not no_input and sys.stdin.isatty():  # the terminal code is loaded only for a conversation
        from dlguide.advisor.prompter import TerminalPrompter

        prompter = TerminalPrompter()
    gathered = questionnaire.gather(base.questions, flags=flags, answers_file=answers, describe=describe, prompter=prompter,
                                    tell=note, flag_sources=sources, refine=refine)
    result = engine.recommend(base, gathered.profile)
    if save is not None:
        questionnaire.write_answers(save, result.profile, force=force, inputs=inputs)
    # A description's reading goes beside the result, so a script can see which words decided what.
    understood = {"understood": gathered.understood} if gathered.understood else {}
    {"json": lambda: emit_json("recommend", {**render_recommend.to_json(result), **understood}),
     "markdown": lambda: emit_markdown(render_recommend.to_markdown(result, explain=explain)),
     "rich": lambda: emit(render_recommend.to_rich(result, explain=explain))}[fmt]()
    # Only a conversation ends with an offer: not a fully-flagged run, and never into a JSON or Markdown pipe.
    return _offer_demo(prompter, base, result.ranking[0]) if prompter and gathered.asked and fmt == "rich" else 0


READERS = ("words", "encoder")


def _reader(reader: str, describe: Optional[str], base):
    """What ``--reader`` adds to the cues and the learned words: the sentence encoder's word table (a lookup per
    word, the default), or the sentence encoder itself (loaded only when asked for)."""
    if reader not in READERS:
        from dlguide.errors import UnknownNameError, closest_name

        raise UnknownNameError("--reader", reader, list(READERS), closest_name(reader, READERS, 1))
    if reader == "words":
        if describe is None:
            return None
        from dlguide.advisor import encoder_words

        return lambda text, found: encoder_words.refine(text, base.questions, found)
    if describe is None:
        raise UsageError("--reader encoder reads a --describe sentence; give one, e.g. --describe \"3000 x-rays, find pneumonia\"")
    from dlguide.advisor import encoder

    encoder.load_head(encoder.head_file(base.root))  # a missing or malformed head file fails before any question
    wrong = encoder.problems(base.root, base.questions)  # and so does one for choices the questions lack
    if wrong:
        from dlguide.errors import KnowledgeError

        raise KnowledgeError(wrong)
    encoder.model_folder()  # and so do missing weights
    from dlguide.rendering.output import note

    def refine(text: str, found) -> None:
        note("Reading the description with the sentence encoder too (a few seconds)...")
        encoder.refine(text, base.questions, found, base.root)

    return refine


def _flags(params: dict, set_items: list[str], questions: dict) -> tuple[dict, dict]:
    """Raw answers by question id, and the option each came from.

    Every option named after a question answers it; ``--set ID=VALUE`` answers any question in
    questions.yaml, new ones too. No question id is written here.
    """
    from dlguide.advisor import questionnaire

    flags = {name: value for name, value in params.items() if name in questions}
    flags = {qid: ([p for item in value for p in item.split(",")] if isinstance(value, (list, tuple)) else value)
             for qid, value in flags.items()}
    sources = {}
    for qid, value in questionnaire.parse_set(set_items, questions).items():
        if flags.get(qid) not in (None, []):
            raise UsageError(f"--set {qid}: {questionnaire.flag_name(qid)} is given too; give the answer once")
        flags[qid], sources[qid] = value, f"--set {qid}"
    return flags, sources


def _offer_demo(prompter, base, top) -> int:
    from dlguide.advisor import questionnaire
    from dlguide.demos.runner import missing_packages, shown_name  # the same check run-demo makes, every package

    if not top.has_demo:
        return 0
    installed = not missing_packages()
    if questionnaire.demo_offer(prompter, top.id, base.families[top.id].short, installed, DEMOS_INSTALL):
        # run the variant recommended (a GRU for "try GRU"), from the same knowledge folder
        command = [sys.executable, "-m", "dlguide", "run-demo", shown_name(base, top.id, top.variant), "--kb", str(base.root)]
        return subprocess.run(command, check=False).returncode
    return 0


def register(app: typer.Typer) -> None:
    app.command("recommend")(recommend)
