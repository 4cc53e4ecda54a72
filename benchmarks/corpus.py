"""The corpus of real project descriptions that `describe.py` and `advice.py` measure dlguide on.

Each line of ``benchmarks/corpus/*.jsonl`` is one project as a person described it in public (a question
thread, a forum post, an issue, a competition or dataset page), paraphrased, with the address it came
from, the answers a careful reader would set as flags, and what the experts in that thread recommended:

    {"id": "qa-0001", "source": "https://...", "kind": "qa-thread",
     "text": "I have 3k product photos, a tenth labeled, and want to sort them into 12 categories ...",
     "answers": {"data": "image", "task": "classify", "samples": 3000, "labeled": 0.1, "compute": "medium"},
     "expert": {"recommended": "cnn", "accepted": ["cnn", "transformer"], "mistakes": ["gan", "diffusion"],
                "why": "answers say: fine-tune a pretrained ResNet or EfficientNet"}}

Labels follow dlguide's own question definitions: captioning an image or a video (pictures in, sentences
out) is ``translate``, as the task question defines it ("turn one sequence or image into another"), and
text-to-image is ``generate``. ``GUIDELINE.md`` next to the corpus writes the whole guideline down, with
``also``: the other choices that are equally right where two definitions overlap. The two corpus halves
were labelled apart and three captioning items that said ``generate`` were brought in line with this
guideline, in both parts alike. A second collection (``qa2.jsonl``, ``pages2.jsonl``: 243 items from other
sources, labelled blind to what dlguide reads) was added later and split by the same hash; an item written
by a commenter rather than the thread's author says so in ``by``. A third (``pages3.jsonl``: 120 items from
less-covered domains such as agriculture, energy, law and astronomy; ``short.jsonl``: 150 one-line question
titles and repository descriptions, the length people type) followed the same way, and a fourth
(``forum.jsonl``: 130 people describing their own project in issues and forum posts; ``pages4.jsonl``: 133
abstracts, model and dataset cards and challenge pages). A fifth added 656 more in five files: blog posts
and project write-ups (``blogs.jsonl``), forum posts and the issue threads where people describe their own
project (``threads.jsonl``, each item's ``kind`` says which), Stack Exchange questions
(``stackexchange.jsonl``), one-line titles (``titles.jsonl``) and abstracts of applied papers
(``abstracts.jsonl``); items whose source could not be checked, or that repeated a thread already in the
corpus through a mirror, were left out. A sixth, never tuned to for data and task (its development part
only suggested a few cues of what a conversion produces), added model cards and model-zoo READMEs
(``modelcards.jsonl``, 120) and student project reports (``students.jsonl``, 24). A seventh added 591:
GitHub issue threads and a few forum posts where people describe their own data (``threads2.jsonl``, each
item's ``kind`` says which), dataset pages and cards (``datasets.jsonl``), competition and shared-task
pages (``competitions.jsonl``), hackathon, course and personal project pages (``projects.jsonl``) and Stack
Exchange questions (``stackexchange2.jsonl``). An eighth added 548: issue threads where people describe
their own data (``threads3.jsonl``), abstracts of applied papers (``abstracts2.jsonl``), READMEs of small
applied projects (``readmes.jsonl``) and one-line titles (``titles2.jsonl``), and a ninth 371: issue
threads from less common libraries (``threads4.jsonl``: single-cell, geospatial, chemistry, logs, finance),
abstracts from less covered domains (``abstracts3.jsonl``) and solution and project write-ups
(``writeups.jsonl``); a tenth 135, one-line titles and taglines (``titles3.jsonl``) and a few question
threads (``stackexchange3.jsonl``). An eleventh added 853: issue threads and forum posts
(``threads5.jsonl``), Stack Exchange questions (``stackexchange4.jsonl``), course and hackathon project
reports (``reports.jsonl``), model and dataset cards (``modelcards2.jsonl``, ``datasets2.jsonl``) and
abstracts from less covered domains (``abstracts4.jsonl``); a twelfth 449, Hugging Face dataset cards
(``datasetcards.jsonl``) and Kaggle competitions' one-line descriptions (``kaggletitles.jsonl``); a
thirteenth 619, blog posts on side projects (``blogs2.jsonl``), issue threads of less covered libraries
(``threads6.jsonl``), model-zoo cards (``modelzoo.jsonl``) and project one-liners from curated lists
(``titles4.jsonl``); a fourteenth 627, company engineering-blog titles (``engineering.jsonl``), abstracts
(``abstracts5.jsonl``) and people's questions in issue threads (``threads7.jsonl``); a fifteenth 515,
forum posts and blog write-ups (``blogs3.jsonl``), issue threads (``threads8.jsonl``), hackathon and student
project pages (``projects2.jsonl``) and question threads (``stackexchange5.jsonl``); a sixteenth 468,
hobbyists' and newcomers' own short write-ups (``hobby.jsonl``), the projects of tutorials
(``tutorials.jsonl``) and practitioners' projects in their own domains (``practitioners.jsonl``); a
seventeenth 687, Hugging Face dataset cards (``datasetcards2.jsonl``), cloud vendors' use-case notebooks
(``usecases.jsonl``), model-zoo and configuration pages (``modelzoo2.jsonl``) and curated lists of applied
projects (``lists.jsonl``); an eighteenth 535, issue threads of vision and audio libraries
(``threads9.jsonl``) and of tabular, time-series, graph and NLP libraries (``threads10.jsonl``), makers'
short write-ups (``makers.jsonl``) and course project galleries and homeworks (``courses.jsonl``); a
nineteenth 703, machine-learning forum and issue threads from hobby and app projects (``threads11.jsonl``),
issue threads of several hundred libraries and model repositories in which people describe their own data
(``threads12.jsonl``) and applied write-ups from industry and science domains (``blogs4.jsonl``); a
twentieth 563, people asking how to model their own data in question and issue threads (``qa3.jsonl``),
people describing their own projects in issue threads and forums (``forum2.jsonl``) and issue threads of
several hundred more repositories (``threads13.jsonl``; each item's ``kind`` says which). Each
collection was read as it came, on its development part, before any tuning to it. A second audit settled recommenders,
ranking, logs and spectra in ``GUIDELINE.md`` and relabelled the items of every collection it concerned,
by the guideline alone and blind to what the reader answers.

The split into a development part (tune on it) and a test part (look at it only to report) is made once,
at random, by a hash of each item's id: an item keeps its part however the corpus grows, and nobody picks
which items land where. ``DLGUIDE_CORPUS_DIR`` points at another folder of ``*.jsonl`` files.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "benchmarks" / "corpus"
TEST_SHARE = 0.4  # 40% test, 60% development
ANSWER_KEYS = {"data", "task", "output_kind", "samples", "labeled", "seq_len", "compute", "priority"}


def part_of(item_id: str) -> str:
    """'dev' or 'test', fixed by the id alone (sha256), so the split is random but never redrawn."""
    bucket = int(hashlib.sha256(item_id.encode("utf-8")).hexdigest(), 16) % 1000
    return "test" if bucket < TEST_SHARE * 1000 else "dev"


def load(part: str | None = None, folder: str | os.PathLike | None = None) -> list[dict]:
    """Every item (or those of one part), each with its ``part`` set; errors name file and line."""
    folder = Path(folder or os.environ.get("DLGUIDE_CORPUS_DIR") or CORPUS_DIR)
    items, seen = [], {}
    for path in sorted(folder.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON ({exc.msg})") from None
            for key in ("id", "source", "text", "answers", "expert"):
                if key not in item:
                    raise ValueError(f"{where}: missing {key!r}")
            if item["id"] in seen:
                raise ValueError(f"{where}: id {item['id']!r} already used at {seen[item['id']]}")
            unknown = set(item["answers"]) - ANSWER_KEYS
            if unknown:
                raise ValueError(f"{where}: unknown answer keys {sorted(unknown)}")
            also = item.setdefault("also", {})
            if set(also) - {"data", "task"} or not all(isinstance(v, list) for v in also.values()):
                raise ValueError(f"{where}: 'also' lists other right choices for data or task only")
            if also and not item.get("also_why"):
                raise ValueError(f"{where}: 'also' needs an 'also_why'")
            seen[item["id"]] = where
            item["part"] = part_of(item["id"])
            if part is None or item["part"] == part:
                items.append(item)
    return items


if __name__ == "__main__":
    every = load()
    print(f"{len(every)} items: {sum(i['part'] == 'dev' for i in every)} dev, {sum(i['part'] == 'test' for i in every)} test")
