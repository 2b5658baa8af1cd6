"""Read a case file (``kamkit_case: 1``, SPEC §3.1) into a validated :class:`Case`.

Every field is checked against the format and all problems are collected, not just the
first, then reported together as ``FILE:LINE: field: problem``. A file with any problem
yields no case at all, so nothing is ever half-computed.

Reading is done in two speeds. The text is parsed into plain Python values by ryaml (a
Rust YAML parser, ten times faster than PyYAML here) and validated; each problem is
recorded against its *path* in the document. Only when there are problems is the text
composed once more with PyYAML, whose nodes know their lines, to turn those paths into line
numbers. Text ryaml rejects (bad syntax, a duplicate key) is read by PyYAML alone, which
locates the error. Both readers feed the same validator, so each rule exists once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .model import (
    Alignment,
    Case,
    Link,
    ProfileValue,
    Rating,
    RelationshipQuality,
    Respondent,
    Settings,
    Statement,
    Unit,
)
from .scales import (
    ALIGNMENT_LEVELS,
    DIMENSIONS,
    FLOW_KINDS,
    FLOW_LEVELS,
    PRACTICE_VALUES,
    PRACTICES,
    QUALITY_VALENCES,
    QUALITY_WORDS,
    RATING_MAX,
    RATING_MIN,
    REQUISITE_INTEGRATION,
    UNIT_KINDS,
    category_key,
)

try:  # the fast reader; without it every file takes the PyYAML route
    import ryaml as _fast_yaml
except ImportError:  # pragma: no cover - ryaml is a declared dependency
    _fast_yaml = None

SUPPORTED_VERSION = 1

try:  # libyaml's parser is faster; fall back to pure Python where it was not built
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_DAY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()

Path_ = tuple[str | int, ...]
"""Where a value sits in the document: mapping keys and list indexes from the top."""

TOP_LEVEL_KEYS = (
    "kamkit_case",
    "title",
    "firm",
    "period",
    "wave",
    "description",
    "settings",
    "units",
    "respondents",
    "profiles",
    "ratings",
    "statements",
    "links",
)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a case file."""

    line: int
    field: str
    problem: str


class CaseFileError(Exception):
    """A case file that cannot be diagnosed; ``issues`` lists every problem found."""

    def __init__(self, source: str, issues: list[Issue]) -> None:
        self.source = source
        self.issues = sorted(issues, key=lambda i: (i.line, i.field))
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.source}:{i.line}: {i.field}: {i.problem}" for i in self.issues)


def load_case(path: str | Path) -> Case:
    """Read and validate the case file at ``path``; raise :class:`CaseFileError` if invalid."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(str(path), [Issue(1, "file", "no such file")]) from None
    except IsADirectoryError:
        raise CaseFileError(
            str(path), [Issue(1, "file", "is a directory, not a case file")]
        ) from None
    except UnicodeDecodeError as exc:
        raise CaseFileError(
            str(path), [Issue(1, "file", f"not UTF-8 text ({exc.reason})")]
        ) from None
    return parse_case(text, source=str(path))


def parse_case(text: str, source: str = "<case>") -> Case:
    """Validate the YAML ``text`` of a case file; ``source`` names it in messages."""
    located: _Located | None = None
    data: Any = None
    parsed = False
    if _fast_yaml is not None:
        try:
            data = _fast_yaml.loads(text)
            parsed = True
        except Exception:
            parsed = False
    if not parsed:
        located = _compose(text, source)
        data = located.data
    reader = _Reader()
    if located is not None:
        reader.pending.extend(located.problems)
    case = reader.read(data, source)
    if reader.pending:
        if located is None:
            located = _compose(text, source)
        raise CaseFileError(source, [located.issue(p) for p in reader.pending])
    assert case is not None
    return case


# -- PyYAML: plain values with a line for every path ------------------------------------------


@dataclass(slots=True)
class _Problem:
    path: Path_
    field: str
    problem: str
    at: str = "value"
    """``value``: the line of the value at ``path``; ``key``: the line of its key."""


class _Located:
    """A document read by PyYAML: its plain values and where each path starts."""

    def __init__(self) -> None:
        self.data: Any = None
        self.value_lines: dict[Path_, int] = {}
        self.key_lines: dict[Path_, int] = {}
        self.problems: list[_Problem] = []

    def line(self, path: Path_, at: str) -> int:
        lines = self.key_lines if at == "key" else self.value_lines
        while path:
            if path in lines:
                return lines[path]
            if path in self.value_lines:
                return self.value_lines[path]
            path = path[:-1]
        return self.value_lines.get((), 1)

    def issue(self, p: _Problem) -> Issue:
        return Issue(self.line(p.path, p.at), p.field, p.problem)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag in (_INT, _FLOAT):
        return _CONSTRUCTOR.construct_object(node)
    if tag == _BOOL:
        # YAML 1.2 like the fast reader: only true/false are booleans, "yes" stays text
        return (
            node.value.lower() == "true" if node.value.lower() in ("true", "false") else node.value
        )
    if tag == _NULL:
        return None
    return node.value  # timestamps and the rest: the text as written


def _compose(text: str, source: str) -> _Located:
    located = _Located()
    try:
        root = yaml.compose(text, Loader=_YamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        context = ""
        if exc.context:
            context = f" ({exc.context}"
            if exc.context_mark and exc.context_mark.line + 1 != line:
                context += f" that starts on line {exc.context_mark.line + 1}"
            context += ")"
        raise CaseFileError(
            source, [Issue(line, "yaml", f"invalid YAML: {problem}{context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(source, [Issue(1, "yaml", f"invalid YAML: {exc}")]) from None

    seen: dict[int, Any] = {}

    def walk(node: yaml.Node, path: Path_) -> Any:
        # an alias is the very same node again: read it once and share the value, so that
        # nested aliases (a "billion laughs" file) cannot blow up exponentially
        if id(node) in seen:
            return seen[id(node)]
        located.value_lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            seen[id(node)] = out  # registered before filling: an alias may point back here
            for key_node, value_node in node.value:
                key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, str):
                    key = f"<{key_node.start_mark.line + 1}>"
                sub = (*path, key)
                if key in out:
                    located.key_lines[(*path, f"#dup{len(located.problems)}")] = (
                        key_node.start_mark.line + 1
                    )
                    located.problems.append(
                        _Problem(
                            (*path, f"#dup{len(located.problems)}"), "", "duplicate key", at="key"
                        )
                    )
                    dup_paths.append(sub)
                    continue
                located.key_lines[sub] = key_node.start_mark.line + 1
                out[key] = walk(value_node, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            seen[id(node)] = items
            items.extend(walk(item, (*path, i)) for i, item in enumerate(node.value))
            return items
        return _scalar(node)

    dup_paths: list[Path_] = []
    located.data = walk(root, ()) if root is not None else None
    for problem, path in zip(located.problems, dup_paths, strict=True):
        problem.field = _field_name(path, located.data)
    return located


def _field_name(path: Path_, data: Any) -> str:
    """A path as the validator names it: list entries by their id where they have one."""
    out = ""
    node = data
    for part in path:
        if isinstance(part, int):
            entry = node[part] if isinstance(node, list) and part < len(node) else None
            label: str | int = part
            if out == "links" and _peek(entry, "kam") and _peek(entry, "partner"):
                label = f"{_peek(entry, 'kam')}->{_peek(entry, 'partner')}"
            elif out in ("units", "respondents") and _peek(entry, "id"):
                label = _peek(entry, "id") or part
            out += f"[{label}]"
            node = entry
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the text {str(value)!r}"


def _peek(value: Any, key: str) -> str | None:
    """An entry's id as written, to name it in messages before it is validated."""
    if isinstance(value, dict):
        v = value.get(key)
        if isinstance(v, str) and _ID.match(v):
            return v
    return None


@lru_cache(maxsize=64)
def _option_keys(options: tuple[str, ...]) -> dict[str, str]:
    """Each option by its normalised key (``rather low`` ← ``Rather_Low``)."""
    return {category_key(o): o for o in options}


# -- the validator ----------------------------------------------------------------------------


class _Reader:
    """Checks plain values against the format; problems are kept with their paths."""

    def __init__(self) -> None:
        self.pending: list[_Problem] = []

    def err(self, path: Path_, field: str, problem: str, at: str = "value") -> None:
        self.pending.append(_Problem(path, field or "(top level)", problem, at))

    # -- typed accessors ----------------------------------------------------------------------
    def mapping(
        self,
        value: Any,
        path: Path_,
        field: str,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """The mapping; reports a wrong type and unknown or missing keys."""
        if not isinstance(value, dict):
            self.err(path, field, f"expected a mapping, found {_kind(value)}")
            return None
        if allowed is not None:
            allowed_set = allowed if isinstance(allowed, frozenset | set) else frozenset(allowed)
            for key in value:
                if key not in allowed_set:
                    sub = f"{field}.{key}" if field else str(key)
                    self.err(
                        (*path, key),
                        sub,
                        f"unknown key; expected one of: {', '.join(sorted(allowed_set))}",
                        at="key",
                    )
        for key in required:
            if key not in value:
                self.err(path, field, f"missing required key '{key}'")
        return value

    def sequence(self, value: Any, path: Path_, field: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(path, field, f"expected a list, found {_kind(value)}")
            return []
        return value

    def text(self, value: Any, path: Path_, field: str, *, allow_empty: bool = False) -> str | None:
        if value is None:
            if not allow_empty:
                self.err(path, field, "expected text, found nothing")
            return None
        if isinstance(value, bool | dict | list):
            self.err(path, field, f"expected text, found {_kind(value)}")
            return None
        text = str(value).strip()
        if not text and not allow_empty:
            self.err(path, field, "must not be empty")
            return None
        return text

    def ident(self, value: Any, path: Path_, field: str) -> str | None:
        if isinstance(value, str) and _ID.match(value):
            return value
        text = self.text(value, path, field)
        if text is not None and not _ID.match(text):
            self.err(
                path,
                field,
                f"{text!r} is not a valid id (letters, digits, '_', '-', '.'; no spaces)",
            )
            return None
        return text

    def number(
        self,
        value: Any,
        path: Path_,
        field: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
    ) -> float | None:
        wanted = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.err(path, field, f"expected {wanted}, found {_kind(value)}")
            return None
        if integer and not isinstance(value, int):
            self.err(path, field, f"expected {wanted}, found {value}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                bounds = f"at least {minimum:g}"
            elif minimum is None:
                bounds = f"at most {maximum:g}"
            else:
                bounds = f"from {minimum:g} to {maximum:g}"
            self.err(path, field, f"{value} is out of range; expected {bounds}")
            return None
        return value

    def choice(
        self,
        value: Any,
        path: Path_,
        field: str,
        options: Iterable[str],
        what: str,
    ) -> str | None:
        """One of ``options`` in its canonical spelling. Matching uses the one
        normalisation of categorical values (:func:`.scales.category_key`: case, outer
        whitespace and ``_``/``-``/space variants are equal)."""
        options = tuple(options)
        if isinstance(value, str) and value in options:
            return value
        text = self.text(value, path, field)
        if text is None:
            return None
        found = _option_keys(options).get(category_key(text))
        if found is None:
            self.err(path, field, f"{text!r} is not {what}; expected one of: {', '.join(options)}")
            return None
        return found

    def dimension_list(self, value: Any, path: Path_, field: str) -> tuple[str, ...] | None:
        if value is None:
            # a blank `differs:` is not a judgement (SPEC §3 step 2): only a list is
            self.err(
                path,
                field,
                "has no value; list the dimensions that differ, or write [] when none "
                "differ (leave the key out to compute them from profiles and ratings)",
            )
            return None
        if not isinstance(value, list):
            self.err(path, field, f"expected a list of dimensions, found {_kind(value)}")
            return None
        seen: list[str] = []
        ok = True
        for i, item in enumerate(value):
            dim = self.choice(
                item, (*path, i), f"{field}[{i}]", DIMENSIONS, "a differentiation dimension"
            )
            if dim is None:
                ok = False
            elif dim in seen:
                self.err((*path, i), f"{field}[{i}]", f"dimension '{dim}' is listed twice")
                ok = False
            else:
                seen.append(dim)
        return tuple(seen) if ok else None

    def text_list(self, value: Any, path: Path_, field: str) -> tuple[str, ...]:
        if value is not None and not isinstance(value, list | dict):
            text = self.text(value, path, field)
            return (text,) if text else ()
        out = []
        for i, item in enumerate(self.sequence(value, path, field)):
            text = self.text(item, (*path, i), f"{field}[{i}]")
            if text:
                out.append(text)
        return tuple(out)

    # -- the document -------------------------------------------------------------------------
    def read(self, data: Any, source: str) -> Case | None:
        if data is None:
            self.err((), "kamkit_case", "the file is empty; expected a case with 'kamkit_case: 1'")
            return None
        top = self.mapping(
            data,
            (),
            "",
            allowed=TOP_LEVEL_KEYS,
            required=("kamkit_case", "title", "units", "links"),
        )
        if top is None:
            return None
        if "kamkit_case" in top:
            version = top["kamkit_case"]
            if (
                version != SUPPORTED_VERSION
                or isinstance(version, bool)
                or not isinstance(version, int)
            ):
                # a different version means a different format: stop before misreading it
                self.pending[:] = [
                    _Problem(
                        ("kamkit_case",),
                        "kamkit_case",
                        f"unsupported case file version {str(version)!r}; "
                        f"this kamkit reads version {SUPPORTED_VERSION}",
                    )
                ]
                return None
        title = self.text(top["title"], ("title",), "title") if "title" in top else None
        firm = (
            self.text(top["firm"], ("firm",), "firm", allow_empty=True) if "firm" in top else None
        )
        description = (
            self.text(top["description"], ("description",), "description", allow_empty=True)
            if "description" in top
            else None
        )
        wave = self.text(top["wave"], ("wave",), "wave") if "wave" in top else None
        period = self.period(top["period"]) if "period" in top else (None, None)
        settings = self.settings(top["settings"]) if "settings" in top else Settings()

        units = self.units(top["units"]) if "units" in top else {}
        respondents = self.respondents(top.get("respondents"), units)
        profiles = self.profiles(top.get("profiles"), units)
        ratings = self.ratings(top.get("ratings"), respondents)
        statements = self.statements(top.get("statements"), units, respondents)
        links = self.links(top["links"], units) if "links" in top else []

        if self.pending or title is None:
            return None
        return Case(
            title=title,
            firm=firm,
            period=period,
            wave=wave,
            description=description,
            units=tuple(units.values()),
            respondents=tuple(respondents.values()),
            profiles=profiles,
            ratings=tuple(ratings),
            statements=tuple(statements),
            links=tuple(links),
            settings=settings,
            source=source,
        )

    def period(self, value: Any) -> tuple[str | None, str | None]:
        entries = self.mapping(value, ("period",), "period", allowed=("start", "end"))
        if entries is None:
            return (None, None)
        out: list[str | None] = []
        for key in ("start", "end"):
            if key not in entries:
                out.append(None)
                continue
            text = self.text(entries[key], ("period", key), f"period.{key}")
            if text is not None and not _MONTH.match(text):
                self.err(("period", key), f"period.{key}", f"{text!r} is not a month (YYYY-MM)")
                text = None
            out.append(text)
        start, end = out
        if start and end and start > end:
            self.err(("period",), "period", f"starts ({start}) after it ends ({end})")
        return (start, end)

    def settings(self, value: Any) -> Settings:
        entries = self.mapping(value, ("settings",), "settings", allowed=("rating_threshold",))
        if not entries or "rating_threshold" not in entries:
            return Settings()
        path = ("settings", "rating_threshold")
        number = self.number(
            entries["rating_threshold"], path, "settings.rating_threshold", maximum=6.0
        )
        if number is None:
            return Settings()
        if number <= 0:
            self.err(path, "settings.rating_threshold", f"{number} must be greater than 0")
            return Settings()
        return Settings(rating_threshold=float(number))

    def practices(self, value: Any, path: Path_, field: str) -> dict[str, str] | None:
        entries = self.mapping(value, path, field, allowed=PRACTICES)
        if entries is None:
            return None
        out: dict[str, str] = {}
        ok = True
        for practice in PRACTICES:
            if practice not in entries:
                self.err(
                    path,
                    f"{field}.{practice}",
                    "missing; record each of the four practices (absent, partial or substantial)",
                )
                ok = False
                continue
            level = self.choice(
                entries[practice],
                (*path, practice),
                f"{field}.{practice}",
                PRACTICE_VALUES,
                "a practice level",
            )
            if level is None:
                ok = False
            else:
                out[practice] = level
        return out if ok else None

    def entry_with_id(
        self,
        item: Any,
        section: str,
        index: int,
        allowed: frozenset[str],
        required: tuple[str, ...],
        seen: dict[str, Any],
        what: str,
    ) -> tuple[Path_, str, dict[str, Any], str] | None:
        """A list entry that must carry a new, valid ``id``: its path, field name, entries
        and id, or None (with the problem reported)."""
        path: Path_ = (section, index)
        field = f"{section}[{_peek(item, 'id') or index}]"
        entries = self.mapping(item, path, field, allowed=allowed, required=required)
        if entries is None or "id" not in entries:
            return None
        eid = self.ident(entries["id"], (*path, "id"), f"{field}.id")
        if eid is None:
            return None
        if eid in seen:
            self.err((*path, "id"), f"{field}.id", f"duplicate {what} id '{eid}'")
            return None
        return path, field, entries, eid

    def units(self, value: Any) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        parents: dict[str, tuple[str, Path_, str]] = {}
        paths: dict[str, Path_] = {}
        items = self.sequence(value, ("units",), "units")
        if isinstance(value, list) and not items:
            self.err(
                ("units",), "units", "no units; a case needs at least one KAM unit and one partner"
            )
        allowed = frozenset(
            (
                "id",
                "name",
                "kind",
                "parent",
                "members",
                "age_years",
                "description",
                "practices",
                "evidence",
            )
        )
        for i, item in enumerate(items):
            found = self.entry_with_id(item, "units", i, allowed, ("id", "kind"), units, "unit")
            if found is None:
                continue
            path, field, entries, uid = found
            kind = (
                self.choice(
                    entries["kind"], (*path, "kind"), f"{field}.kind", UNIT_KINDS, "a unit kind"
                )
                if "kind" in entries
                else None
            )
            name = (
                self.text(entries["name"], (*path, "name"), f"{field}.name")
                if "name" in entries
                else None
            )
            members = (
                self.number(
                    entries["members"],
                    (*path, "members"),
                    f"{field}.members",
                    minimum=0,
                    integer=True,
                )
                if "members" in entries
                else None
            )
            age = (
                self.number(
                    entries["age_years"], (*path, "age_years"), f"{field}.age_years", minimum=0
                )
                if "age_years" in entries
                else None
            )
            desc = (
                self.text(
                    entries["description"],
                    (*path, "description"),
                    f"{field}.description",
                    allow_empty=True,
                )
                if "description" in entries
                else None
            )
            practices = None
            if "practices" in entries:
                practices = self.practices(
                    entries["practices"], (*path, "practices"), f"{field}.practices"
                )
                if kind is not None and kind != "kam":
                    self.err(
                        (*path, "practices"),
                        f"{field}.practices",
                        "only a KAM unit records a repertoire of alignment practices",
                    )
            evidence = (
                self.text_list(entries["evidence"], (*path, "evidence"), f"{field}.evidence")
                if "evidence" in entries
                else ()
            )
            if "parent" in entries:
                parent = self.ident(entries["parent"], (*path, "parent"), f"{field}.parent")
                if parent is not None:
                    parents[uid] = (parent, (*path, "parent"), field)
            paths[uid] = path
            units[uid] = Unit(
                id=uid,
                name=name or uid,
                kind=kind or "other",
                members=int(members) if members is not None else None,
                age_years=float(age) if age is not None else None,
                description=desc,
                practices=practices,
                evidence=evidence,
            )
        # parents are resolved once every unit is known, so order in the file is free
        resolved: dict[str, str] = {}
        for uid, (parent, ppath, field) in parents.items():
            if parent not in units:
                self.err(ppath, f"{field}.parent", f"no unit with id '{parent}'")
            elif parent == uid:
                self.err(ppath, f"{field}.parent", "a unit cannot be its own parent")
            elif units[uid].kind == "kam" and units[parent].kind != "kam":
                self.err(
                    ppath,
                    f"{field}.parent",
                    f"a KAM team's parent must be a KAM unit; '{parent}' is a {units[parent].kind}",
                )
            else:
                resolved[uid] = parent
        for uid, parent in resolved.items():
            seen = {uid}
            cur: str | None = parent
            while cur is not None:
                if cur in seen:
                    self.err(
                        (*paths[uid], "parent"),
                        f"units[{uid}].parent",
                        "the parent chain loops back to this unit",
                    )
                    break
                seen.add(cur)
                cur = resolved.get(cur)
            u = units[uid]
            units[uid] = Unit(
                id=u.id,
                name=u.name,
                kind=u.kind,
                parent=parent,
                members=u.members,
                age_years=u.age_years,
                description=u.description,
                practices=u.practices,
                evidence=u.evidence,
            )
        return units

    def respondents(self, value: Any, units: dict[str, Unit]) -> dict[str, Respondent]:
        out: dict[str, Respondent] = {}
        if value is None:
            return out
        allowed = frozenset(("id", "unit", "position", "tenure_years", "consent_on"))
        for i, item in enumerate(self.sequence(value, ("respondents",), "respondents")):
            found = self.entry_with_id(
                item, "respondents", i, allowed, ("id", "unit"), out, "respondent"
            )
            if found is None:
                continue
            path, field, entries, rid = found
            unit_ids: list[str] = []
            if "unit" in entries:
                target = entries["unit"]
                targets = target if isinstance(target, list) else [target]
                if isinstance(target, list) and not target:
                    self.err((*path, "unit"), f"{field}.unit", "names no unit")
                for j, t in enumerate(targets):
                    tpath = (*path, "unit", j) if isinstance(target, list) else (*path, "unit")
                    uid = self.ident(t, tpath, f"{field}.unit")
                    if uid is None:
                        continue
                    if uid not in units:
                        self.err(tpath, f"{field}.unit", f"no unit with id '{uid}'")
                    else:
                        unit_ids.append(uid)
            position = (
                self.text(
                    entries["position"], (*path, "position"), f"{field}.position", allow_empty=True
                )
                if "position" in entries
                else None
            )
            tenure = (
                self.number(
                    entries["tenure_years"],
                    (*path, "tenure_years"),
                    f"{field}.tenure_years",
                    minimum=0,
                )
                if "tenure_years" in entries
                else None
            )
            consent = None
            if "consent_on" in entries:
                raw = entries["consent_on"]
                text = raw.isoformat() if isinstance(raw, dt.date) else raw
                if isinstance(text, str) and _DAY.match(text):
                    consent = text
                else:
                    self.err(
                        (*path, "consent_on"),
                        f"{field}.consent_on",
                        f"{raw!r} is not a day (YYYY-MM-DD)",
                    )
            out[rid] = Respondent(
                id=rid,
                units=tuple(unit_ids),
                position=position,
                tenure_years=float(tenure) if tenure is not None else None,
                consent_on=consent,
            )
        return out

    def profile_value(self, value: Any, path: Path_, field: str) -> ProfileValue | None:
        if isinstance(value, list):
            ranking = self.text_list(value, path, field)
            if not ranking:
                self.err(path, field, "an empty ranking; list at least one value")
                return None
            # written as single values are (lower case, trimmed); compared by category_key
            return tuple(entry.strip().lower() for entry in ranking)
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = self.number(value, path, field, minimum=RATING_MIN, maximum=RATING_MAX)
            return float(number) if number is not None else None
        if isinstance(value, dict):
            self.err(
                path,
                field,
                f"expected a category, a ranked list or a 1-7 mean, found {_kind(value)}",
            )
            return None
        text = self.text(value, path, field)
        return text.strip().lower() if text else None

    def profiles(self, value: Any, units: dict[str, Unit]) -> dict[str, dict[str, ProfileValue]]:
        out: dict[str, dict[str, ProfileValue]] = {}
        if value is None:
            return out
        entries = self.mapping(value, ("profiles",), "profiles")
        if not entries:
            return out
        for uid, dims_value in entries.items():
            path: Path_ = ("profiles", uid)
            field = f"profiles.{uid}"
            if uid not in units:
                self.err(path, field, f"no unit with id '{uid}'", at="key")
                continue
            dims = self.mapping(dims_value, path, field, allowed=DIMENSIONS)
            if dims is None:
                continue
            values: dict[str, ProfileValue] = {}
            for dim, v in dims.items():
                if dim not in DIMENSIONS:
                    continue
                pv = self.profile_value(v, (*path, dim), f"{field}.{dim}")
                if pv is not None:
                    values[dim] = pv
            out[uid] = values
        return out

    def ratings(self, value: Any, respondents: dict[str, Respondent]) -> list[Rating]:
        out: list[Rating] = []
        if value is None:
            return out
        allowed = frozenset(("respondent", "item", "dimension", "value"))
        dims = frozenset(DIMENSIONS)
        for i, item in enumerate(self.sequence(value, ("ratings",), "ratings")):
            # the common case checked inline: thousands of ratings in a large study
            if isinstance(item, dict) and item.keys() <= allowed:
                rid, dim, v = item.get("respondent"), item.get("dimension"), item.get("value")
                name = item.get("item", dim)
                if (
                    rid in respondents
                    and dim in dims
                    and type(v) in (int, float)
                    and RATING_MIN <= v <= RATING_MAX
                    and isinstance(name, str)
                    and name.strip()
                ):
                    out.append(Rating(rid, name.strip(), dim, float(v)))
                    continue
            path: Path_ = ("ratings", i)
            field = f"ratings[{i}]"
            entries = self.mapping(
                item, path, field, allowed=allowed, required=("respondent", "dimension", "value")
            )
            if entries is None or len(entries.keys() & {"respondent", "dimension", "value"}) < 3:
                continue
            rid = self.ident(entries["respondent"], (*path, "respondent"), f"{field}.respondent")
            if rid is not None and rid not in respondents:
                self.err(
                    (*path, "respondent"), f"{field}.respondent", f"no respondent with id '{rid}'"
                )
                rid = None
            dim = self.choice(
                entries["dimension"],
                (*path, "dimension"),
                f"{field}.dimension",
                DIMENSIONS,
                "a differentiation dimension",
            )
            number = self.number(
                entries["value"],
                (*path, "value"),
                f"{field}.value",
                minimum=RATING_MIN,
                maximum=RATING_MAX,
            )
            name = (
                self.text(entries["item"], (*path, "item"), f"{field}.item")
                if "item" in entries
                else None
            )
            if rid is None or dim is None or number is None:
                continue
            out.append(Rating(rid, name or dim, dim, float(number)))
        return out

    def statements(
        self, value: Any, units: dict[str, Unit], respondents: dict[str, Respondent]
    ) -> list[Statement]:
        out: list[Statement] = []
        if value is None:
            return out
        allowed = frozenset(("respondent", "unit", "dimensions", "text"))
        for i, item in enumerate(self.sequence(value, ("statements",), "statements")):
            path: Path_ = ("statements", i)
            field = f"statements[{i}]"
            entries = self.mapping(item, path, field, allowed=allowed, required=("text",))
            if entries is None:
                continue
            rid = uid = None
            if "respondent" in entries:
                rid = self.ident(
                    entries["respondent"], (*path, "respondent"), f"{field}.respondent"
                )
                if rid is not None and rid not in respondents:
                    self.err(
                        (*path, "respondent"),
                        f"{field}.respondent",
                        f"no respondent with id '{rid}'",
                    )
            if "unit" in entries:
                uid = self.ident(entries["unit"], (*path, "unit"), f"{field}.unit")
                if uid is not None and uid not in units:
                    self.err((*path, "unit"), f"{field}.unit", f"no unit with id '{uid}'")
            if "respondent" not in entries and "unit" not in entries:
                self.err(path, field, "say who made the statement: a 'respondent' or a 'unit'")
            dims = (
                self.dimension_list(
                    entries["dimensions"], (*path, "dimensions"), f"{field}.dimensions"
                )
                if entries.get("dimensions") is not None
                else ()  # a statement coded with no dimension yet
            )
            text = (
                self.text(entries["text"], (*path, "text"), f"{field}.text")
                if "text" in entries
                else None
            )
            if text is None or dims is None:
                continue
            if uid is None and rid in respondents and respondents[rid].units:
                uid = respondents[rid].units[0]
            out.append(Statement(text=text, dimensions=dims, respondent=rid, unit=uid))
        return out

    def quality(self, value: Any, path: Path_, field: str) -> RelationshipQuality | None:
        if isinstance(value, dict):
            entries = self.mapping(
                value, path, field, allowed=("valence", "description"), required=("valence",)
            )
            if not entries or "valence" not in entries:
                return None
            valence = self.choice(
                entries["valence"],
                (*path, "valence"),
                f"{field}.valence",
                QUALITY_VALENCES,
                "a valence",
            )
            desc = (
                self.text(
                    entries["description"],
                    (*path, "description"),
                    f"{field}.description",
                    allow_empty=True,
                )
                if "description" in entries
                else None
            )
            return RelationshipQuality(valence, desc or valence) if valence else None
        word = self.text(value, path, field)
        if word is None:
            return None
        known = _option_keys(tuple(QUALITY_WORDS)).get(category_key(word))
        valence = QUALITY_WORDS[known] if known else None
        if valence is None:
            self.err(
                path,
                field,
                f"{word!r} is not a known quality word; use one of: {', '.join(QUALITY_WORDS)}, "
                "or a mapping {valence: positive|mixed|negative, description: ...}",
            )
            return None
        return RelationshipQuality(valence, word)

    def links(self, value: Any, units: dict[str, Unit]) -> list[Link]:
        out: list[Link] = []
        seen: set[tuple[str, str]] = set()
        items = self.sequence(value, ("links",), "links")
        if isinstance(value, list) and not items:
            self.err(
                ("links",),
                "links",
                "no links; a diagnosis needs at least one KAM unit–partner link",
            )
        allowed = frozenset(
            (
                "kam",
                "partner",
                "flows",
                "requisite_integration",
                "differs",
                "alignment",
                "relationship_quality",
                "notes",
            )
        )
        for i, item in enumerate(items):
            path: Path_ = ("links", i)
            kam_peek, partner_peek = _peek(item, "kam"), _peek(item, "partner")
            field = (
                f"links[{kam_peek}->{partner_peek}]" if kam_peek and partner_peek else f"links[{i}]"
            )
            entries = self.mapping(item, path, field, allowed=allowed, required=("kam", "partner"))
            if entries is None or "kam" not in entries or "partner" not in entries:
                continue
            kam = self.ident(entries["kam"], (*path, "kam"), f"{field}.kam")
            partner = self.ident(entries["partner"], (*path, "partner"), f"{field}.partner")
            ok = kam is not None and partner is not None
            if kam is not None:
                if kam not in units:
                    self.err((*path, "kam"), f"{field}.kam", f"no unit with id '{kam}'")
                    ok = False
                elif units[kam].kind != "kam":
                    self.err(
                        (*path, "kam"),
                        f"{field}.kam",
                        f"'{kam}' is a {units[kam].kind} unit; a link starts at a unit of kind kam",
                    )
                    ok = False
            if partner is not None:
                if partner not in units:
                    self.err((*path, "partner"), f"{field}.partner", f"no unit with id '{partner}'")
                    ok = False
                elif units[partner].kind != "partner":
                    self.err(
                        (*path, "partner"),
                        f"{field}.partner",
                        f"'{partner}' is a {units[partner].kind} unit; "
                        "a link ends at a unit of kind partner",
                    )
                    ok = False
            if ok and (kam, partner) in seen:
                self.err(path, field, f"duplicate link from '{kam}' to '{partner}'")
                ok = False
            flows: dict[str, str] = {}
            if "flows" in entries:
                fentries = self.mapping(
                    entries["flows"], (*path, "flows"), f"{field}.flows", allowed=FLOW_KINDS
                )
                for kind, level in (fentries or {}).items():
                    if kind not in FLOW_KINDS:
                        continue
                    level_name = self.choice(
                        level,
                        (*path, "flows", kind),
                        f"{field}.flows.{kind}",
                        FLOW_LEVELS,
                        "a flow level",
                    )
                    if level_name is None:
                        ok = False
                    else:
                        flows[kind] = level_name
            requisite = None
            if "requisite_integration" in entries:
                requisite = self.choice(
                    entries["requisite_integration"],
                    (*path, "requisite_integration"),
                    f"{field}.requisite_integration",
                    REQUISITE_INTEGRATION,
                    "a kind of requisite integration",
                )
                ok = ok and requisite is not None
            differs = None
            if "differs" in entries:
                differs = self.dimension_list(
                    entries["differs"], (*path, "differs"), f"{field}.differs"
                )
                ok = ok and differs is not None
            alignment = None
            if "alignment" in entries:
                alignment = self.alignment(
                    entries["alignment"], (*path, "alignment"), f"{field}.alignment"
                )
                ok = ok and alignment is not None
            quality = None
            if "relationship_quality" in entries:
                quality = self.quality(
                    entries["relationship_quality"],
                    (*path, "relationship_quality"),
                    f"{field}.relationship_quality",
                )
                ok = ok and quality is not None
            notes = (
                self.text(entries["notes"], (*path, "notes"), f"{field}.notes", allow_empty=True)
                if "notes" in entries
                else None
            )
            if not ok:
                continue
            assert kam is not None and partner is not None
            seen.add((kam, partner))
            out.append(
                Link(
                    kam=kam,
                    partner=partner,
                    flows=flows,
                    requisite_integration=requisite,
                    differs=differs,
                    alignment=alignment,
                    relationship_quality=quality,
                    notes=notes,
                )
            )
        return out

    def alignment(self, value: Any, path: Path_, field: str) -> Alignment | None:
        entries = self.mapping(value, path, field, allowed=("practices", "level", "evidence"))
        if entries is None:
            return None
        practices = None
        ok = True
        if "practices" in entries:
            practices = self.practices(
                entries["practices"], (*path, "practices"), f"{field}.practices"
            )
            ok = practices is not None
        level = None
        if "level" in entries:
            level = self.choice(
                entries["level"],
                (*path, "level"),
                f"{field}.level",
                ALIGNMENT_LEVELS,
                "an alignment level",
            )
            ok = ok and level is not None
        evidence = (
            self.text_list(entries["evidence"], (*path, "evidence"), f"{field}.evidence")
            if "evidence" in entries
            else ()
        )
        return Alignment(practices=practices, level=level, evidence=evidence) if ok else None
