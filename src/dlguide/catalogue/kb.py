"""Find, read and validate a knowledge base; the only module that touches YAML.

A knowledge base is a folder: ``families/*.yaml`` (one architecture family per file, the id is the file
name), ``techniques/*.yaml``, and the recommender's ``questions.yaml`` and ``rules.yaml``. The folder is
the built-in one shipped with the package unless ``--kb DIR`` or ``DLGUIDE_KB`` names another. Loading
collects every problem it finds (file, item, field path, what was expected) and raises them together as
one ``KnowledgeError``, so ``dlguide kb validate`` can list them all and every other command can fail
with the first one in a single line. A knowledge base that loads cleanly is then checked for consistency
across its files (``dlguide.catalogue.consistency``: advice against the ranking, rules outside their scope). Name resolution (ids, aliases, did-you-mean) lives here too, because
the knowledge base is the registry: there is no second list of families anywhere in Python.

A knowledge base that validated is cached (pickled, under ``$XDG_CACHE_HOME/dlguide``) keyed by every
file's path, size and modification time and by dlguide's and Python's versions, so a command that only
reads knowledge skips parsing and validation when nothing changed: start-up time is a feature.
``DLGUIDE_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import os
import pickle
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from dlguide.catalogue import cache
from dlguide.catalogue.schema import Family, Technique
from dlguide.errors import KnowledgeError, UnknownNameError, UsageError, closest, normalise


ENV_VAR = "DLGUIDE_KB"
DEMOS_DIR = Path(__file__).resolve().parents[1] / "demos"
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def shipped_files(root: Path) -> list[Path]:
    """The knowledge base's files (what ``kb init`` copies): the YAML, the encoder's tuned layers that
    ``encoder.yaml`` names and the word table that ``encoder_words.yaml`` names."""
    return sorted([*root.rglob("*.yaml"), *root.rglob("*.safetensors"), *root.rglob("*.bin")])


def builtin_dir() -> Path:
    """The knowledge folder shipped with dlguide: inside the installed package, or the repository's."""
    packaged = Path(__file__).resolve().parents[1] / "knowledge"
    if (packaged / "families").is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "knowledge"


def resolve_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The folder to read: ``--kb`` first, then ``$DLGUIDE_KB``, then the built-in one."""
    chosen = explicit or os.environ.get(ENV_VAR) or None
    return Path(chosen).expanduser() if chosen else builtin_dir()


@dataclass
class KnowledgeBase:
    """A validated knowledge base: families and techniques by id, plus the recommender's data."""

    root: Path
    families: dict[str, Family]
    techniques: dict[str, Technique]
    _questions: Any = field(default=None, repr=False)
    _rules: Any = field(default=None, repr=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _recommender: bytes | None = field(default=None, repr=False)

    # The recommender's questions and rules are pickled apart in the cache and unpickled on first use,
    # so that list, show and compare never import their models: start-up time is a feature.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if state["_recommender"] is None:
            state["_recommender"] = pickle.dumps((state["_questions"], state["_rules"]), pickle.HIGHEST_PROTOCOL)
        state["_questions"] = state["_rules"] = None
        return state

    def _unpack(self) -> None:
        if self._recommender is not None:
            self._questions, self._rules = pickle.loads(self._recommender)
            self._recommender = None

    @property
    def questions(self) -> Any:
        """The recommender's questions by id (``dlguide.rules.rules_schema``), or None when the folder has none."""
        self._unpack()
        return self._questions

    @questions.setter
    def questions(self, value: Any) -> None:
        self._unpack()
        self._questions = value

    @property
    def rules(self) -> Any:
        """The recommender's rules file (``dlguide.rules.rules_schema.RulesFile``), or None when the folder has none."""
        self._unpack()
        return self._rules

    @rules.setter
    def rules(self, value: Any) -> None:
        self._unpack()
        self._rules = value

    def entry(self, entry_id: str) -> Family | Technique:
        return self.families.get(entry_id) or self.techniques[entry_id]

    def demo_file(self, family_id: str) -> Path | None:
        """The file of ``family_id``'s demo: a module of dlguide/demos, or a .py file in this knowledge folder."""
        demo = self.families[family_id].demo
        if demo is None:
            return None
        return self.root / demo.module if demo.module.endswith(".py") else DEMOS_DIR / f"{demo.module}.py"

    def resolve(self, name: str, *, families_only: bool = False) -> str:
        """The id that ``name`` (an id or an alias, any case) names; raises with did-you-mean if none."""
        entry_id = self._names.get(normalise(name))
        if entry_id and (not families_only or entry_id in self.families):
            return entry_id
        if entry_id:  # a technique where a family is needed: say so rather than guess a family
            raise UsageError(
                f"{name!r} is a technique ({self.techniques[entry_id].name}), not an architecture family; "
                f"read it with 'dlguide show {entry_id}' (families: {', '.join(self.families)})"
            )
        pool = self.families if families_only else {**self.families, **self.techniques}
        spellings = {key: value for key, value in self._names.items() if value in pool}
        what = "family" if families_only else "family or technique"
        raise UnknownNameError(what, name, list(pool), closest(name, spellings, 3))


def _yaml():
    """PyYAML and its fastest safe loader, imported on first use: a cached knowledge base needs neither."""
    import yaml

    try:  # libyaml's C parser is ~10x faster than the pure-Python one; start-up time is a feature.
        from yaml import CSafeLoader as loader
    except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml, source builds may not
        from yaml import SafeLoader as loader
    return yaml, _unique_keys(yaml, loader)


_UNIQUE_LOADERS: dict[type, type] = {}


def _unique_keys(yaml, loader: type) -> type:
    """``loader``, refusing a mapping that names a key twice.

    YAML itself keeps the last of two equal keys without a word, so a family listing ``preferred_over:
    {rnn: ...}`` twice, a rule with two ``when``s or an answers file saying ``data:`` twice would lose
    one silently. A duplicate is a YAML error with the line of both ('found duplicate key ...').
    """
    if loader in _UNIQUE_LOADERS:
        return _UNIQUE_LOADERS[loader]

    class UniqueKeyLoader(loader):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: dict[Any, Any] = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":  # '<<' may legitimately override
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        first = seen.setdefault(key, key_node.start_mark)
                    except TypeError:  # an unhashable key; the base constructor reports it
                        continue
                    if first is not key_node.start_mark:
                        raise yaml.constructor.ConstructorError(
                            "while constructing a mapping", node.start_mark,
                            f"found duplicate key {key!r} (first at line {first.line + 1})", key_node.start_mark)
            return super().construct_mapping(node, deep)

    _UNIQUE_LOADERS[loader] = UniqueKeyLoader
    return UniqueKeyLoader


def read_yaml(path: Path, problems: list[str]) -> Any:
    """The YAML document at ``path``, or None with a breadcrumb ('file:line:col: not valid YAML: ...')."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}")
        return None
    yaml, loader = _yaml()
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(f"{where}: not valid YAML: {problem}")
        return None


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML in the given key order, for files a person reads and edits."""
    yaml, _ = _yaml()
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def format_validation_error(path: Path, item: str | None, exc: ValidationError) -> list[str]:
    """Pydantic's errors as breadcrumbs: 'file: at item > field.path: what was expected'."""
    lines = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        prefix = f"{path}: " + (f"at {item} > " if item else "") + (f"{location}: " if location else "")
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling; see the schema in dlguide/catalogue/schema.py)"
        elif error["type"] == "missing":
            message = "required field is missing"
        lines.append(prefix + message)
    return lines


def validate_model(model: type[BaseModel], data: Any, path: Path, problems: list[str], item: str | None = None):
    """Validate ``data`` against ``model``, appending breadcrumbs to ``problems``; None when invalid."""
    if not isinstance(data, dict):
        where = f"at {item}: " if item else ""
        problems.append(f"{path}: {where}expected a mapping of fields, got {type(data).__name__}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(format_validation_error(path, item, exc))
        return None


def _load_entries(folder: Path, model: type[BaseModel], problems: list[str]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    if not folder.is_dir():
        return entries
    for path in sorted(folder.glob("*.yaml")):
        entry_id = path.stem
        if not _ID_PATTERN.match(entry_id):
            problems.append(f"{path}: the file name is the id and must be lowercase letters, digits and '_'")
            continue
        data = read_yaml(path, problems)
        if data is None and path.stat().st_size == 0:
            problems.append(f"{path}: the file is empty")
        entry = validate_model(model, data, path, problems) if data is not None else None
        if entry is not None:
            entries[entry_id] = entry
    return entries


def _index_names(root: Path, kb: KnowledgeBase, problems: list[str]) -> None:
    """Fill the name index; an alias that shadows an id, or that two entries claim, is reported in each file."""
    names: dict[str, str] = {normalise(entry_id): entry_id for entry_id in [*kb.families, *kb.techniques]}
    claims: dict[str, list[tuple[str, int, str]]] = {}
    for entry_id, entry in [*kb.families.items(), *kb.techniques.items()]:
        for position, alias in enumerate(entry.aliases):
            claims.setdefault(normalise(alias), []).append((entry_id, position, alias))

    def where(entry_id: str) -> Path:
        return root / ("families" if entry_id in kb.families else "techniques") / f"{entry_id}.yaml"

    for key, claimants in claims.items():
        owners = {entry_id for entry_id, _, _ in claimants}
        id_owner = names.get(key)
        if id_owner is not None and owners - {id_owner}:
            for entry_id, position, alias in claimants:
                if entry_id != id_owner:
                    problems.append(f"{where(entry_id)}: aliases.{position}: {alias!r} already names {id_owner!r}")
        elif len(owners) > 1:
            for entry_id, position, alias in claimants:
                others = ", ".join(repr(o) for o in sorted(owners - {entry_id}))
                problems.append(f"{where(entry_id)}: aliases.{position}: {alias!r} already names {others}")
        elif id_owner is None:
            names[key] = claimants[0][0]
    kb._names = names


def _check_duplicate_ids(root: Path, kb: KnowledgeBase, problems: list[str]) -> None:
    """Ids that two entries share: families and techniques whose ids read the same once case, '-' and '_'
    are ignored (a user typing either reaches only one), and a family's variants listed twice.

    Rules, questions and choices are checked where they are read (``recommender_data``,
    ``rules_schema``); a key written twice in any YAML mapping is refused by the loader.
    """
    entries = [(entry_id, "families") for entry_id in kb.families] + [(entry_id, "techniques") for entry_id in kb.techniques]
    by_name: dict[str, list[tuple[str, str]]] = {}
    for entry_id, folder in entries:
        by_name.setdefault(normalise(entry_id), []).append((entry_id, folder))
    for group in by_name.values():
        if len({entry_id for entry_id, _ in group}) > 1:
            for entry_id, folder in group:
                others = ", ".join(f"{f}/{o}.yaml" for o, f in group if o != entry_id)
                problems.append(f"{root / folder / (entry_id + '.yaml')}: id {entry_id!r} reads the same as {others}; "
                                "rename one (ids ignore case, '-' and '_' when typed)")
    for entry_id, family in kb.families.items():
        first: dict[str, int] = {}
        for index, variant in enumerate(family.variants):
            if variant.id in first:
                problems.append(f"{root / 'families' / (entry_id + '.yaml')}: variants.{index}.id: duplicate variant id "
                                f"{variant.id!r} (also variants.{first[variant.id]})")
            first.setdefault(variant.id, index)


def _check_references(root: Path, kb: KnowledgeBase, problems: list[str]) -> None:
    """Every id that a family or technique names elsewhere must exist."""
    known = set(kb.families) | set(kb.techniques)
    for entry_id, family in kb.families.items():
        where = root / "families" / f"{entry_id}.yaml"
        for other in family.preferred_over:
            if other not in kb.families:
                problems.append(f"{where}: preferred_over.{other}: no family {other!r} in this knowledge base")
            elif other == entry_id:
                problems.append(f"{where}: preferred_over.{other}: a family cannot be preferred over itself")
        for index, alternative in enumerate(family.when_not_to_use):
            for name in alternative.instead:
                if name not in known:
                    problems.append(f"{where}: when_not_to_use.{index}.instead: no family or technique {name!r}")
        _check_demo(kb, entry_id, where, problems)
    for entry_id, technique in kb.techniques.items():
        where = root / "techniques" / f"{entry_id}.yaml"
        for name in technique.applies_to:
            if name not in kb.families:
                problems.append(f"{where}: applies_to: no family {name!r}")
    clash = set(kb.families) & set(kb.techniques)
    for entry_id in sorted(clash):
        problems.append(f"{root / 'techniques' / (entry_id + '.yaml')}: id {entry_id!r} is also a family's id")


def _check_demo(kb: KnowledgeBase, entry_id: str, where: Path, problems: list[str]) -> None:
    """A family's demo file exists, and the names and variants its options name are the family's own."""
    demo = kb.families[entry_id].demo
    if demo is None:
        return
    path = kb.demo_file(entry_id)
    if not path.is_file():
        problems.append(f"{where}: demo.module: {demo.module!r}: no such file {path}")
    variants = {variant.id for variant in kb.families[entry_id].variants}
    for index, option in enumerate(demo.options):
        for name in option.names:
            if kb._names.get(normalise(name)) != entry_id:
                problems.append(f"{where}: demo.options.{index}.names: {name!r} is not this family's id or alias")
        if option.variant is not None and option.variant not in variants:
            problems.append(f"{where}: demo.options.{index}.variant: no variant {option.variant!r} (variants: {', '.join(sorted(variants))})")


def collect(root: Path) -> tuple[KnowledgeBase, list[str]]:
    """Read and validate the whole knowledge base at ``root``; returns it with every problem found."""
    problems: list[str] = []
    if not root.is_dir():
        problems.append(f"{root}: no such knowledge folder (expected a folder with families/*.yaml)")
        return KnowledgeBase(root, {}, {}), problems
    families = _load_entries(root / "families", Family, problems)
    if not families and not problems:
        problems.append(f"{root / 'families'}: no family files found (expected families/<id>.yaml)")
    kb = KnowledgeBase(root, families, _load_entries(root / "techniques", Technique, problems))
    _index_names(root, kb, problems)
    _check_duplicate_ids(root, kb, problems)
    _check_references(root, kb, problems)
    from dlguide.catalogue import recommender_data  # the recommender's questions and rules, checked against kb

    kb.questions, kb.rules = recommender_data.load(kb, problems, read_yaml, validate_model)
    _check_consistency(root, kb, problems)
    return kb, problems


def _check_consistency(root: Path, kb: KnowledgeBase, problems: list[str]) -> None:
    """Advice that contradicts the ranking, rules that fire outside their scope (dlguide.catalogue.consistency)."""
    if problems:  # a sweep over a half-loaded knowledge base would only repeat what is already reported
        return
    from dlguide.catalogue import consistency

    problems.extend(consistency.problems(kb, root / "rules.yaml"))


_PACKAGE = Path(__file__).parents[1]  # dlguide/: the code that validates is its top level, catalogue/ and rules/


def _fingerprint(root: Path) -> str:
    """What a cached knowledge base depends on: its files, and the code that validated them."""
    from dlguide import __version__

    parts = [__version__, sys.version]
    code = [path for folder in ("", "catalogue", "rules") for path in sorted((_PACKAGE / folder).glob("*.py"))]
    for path in [*sorted(root.rglob("*.yaml")), *code]:
        stat = path.stat()
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _cache_path(root: Path) -> Path | None:
    """One cache file per knowledge folder, so that edits replace it rather than pile up."""
    if not root.is_dir():
        return None
    folder = str(root.resolve())
    name = f"{re.sub(r'[^A-Za-z0-9]+', '-', folder).strip('-')[-60:]}-{zlib.crc32(folder.encode()):08x}"
    return cache.path(f"kb-{name}.pickle")


def load(explicit: str | os.PathLike[str] | None = None) -> KnowledgeBase:
    """The validated knowledge base that ``--kb``/``$DLGUIDE_KB``/the built-in folder names."""
    root = resolve_dir(explicit)
    where = _cache_path(root)
    fingerprint = _fingerprint(root) if where else ""
    kb = cache.read(where, fingerprint)
    if isinstance(kb, KnowledgeBase):
        return kb
    kb, problems = collect(root)
    if problems:
        raise KnowledgeError(problems)
    cache.write(where, fingerprint, kb)
    return kb
