"""Read a case file (``kamkit_case: 1``, SPEC §3.1) into a validated :class:`Case`.

The YAML is composed into nodes, which keep their line numbers, and every field is checked
against the format. All problems are collected, not just the first, and reported together
as ``FILE:LINE: field: problem``; a file with any problem yields no case at all, so nothing
is ever half-computed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
    normalize_level,
)

SUPPORTED_VERSION = 1

try:  # the C parser is much faster; fall back to pure Python where it was not built
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


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
    return _Reader(source).read(text)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_value(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag in (_INT, _FLOAT, _BOOL):
        return _CONSTRUCTOR.construct_object(node)
    if tag == _NULL:
        return None
    # timestamps and anything else are kept as the text the author wrote
    return node.value


def _peek(node: yaml.Node, key: str) -> str | None:
    """The plain text under ``key`` in a mapping node, to name an entry in messages before
    it is validated."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.ScalarNode):
                return v.value if _ID.match(v.value or "") else None
    return None


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = _scalar_value(node)
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {node.value}"
    if isinstance(value, int | float):
        return f"the number {node.value}"
    return f"the text {node.value!r}"


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[Issue] = []

    # -- reporting ----------------------------------------------------------------------
    def err(self, node: yaml.Node | int, field: str, problem: str) -> None:
        line = node if isinstance(node, int) else _line(node)
        self.issues.append(Issue(line, field or "(top level)", problem))

    # -- typed accessors ----------------------------------------------------------------
    def mapping(
        self,
        node: yaml.Node,
        field: str,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
    ) -> dict[str, yaml.Node] | None:
        """The mapping's entries by key; reports wrong type, unknown/duplicate/missing keys."""
        if not isinstance(node, yaml.MappingNode):
            self.err(node, field, f"expected a mapping, found {_kind(node)}")
            return None
        allowed_set = set(allowed) if allowed is not None else None
        entries: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = _scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.err(key_node, field, f"keys must be names, found {_kind(key_node)}")
                continue
            sub = f"{field}.{key}" if field else key
            if key in entries:
                self.err(key_node, sub, "duplicate key")
                continue
            if allowed_set is not None and key not in allowed_set:
                options = ", ".join(sorted(allowed_set))
                self.err(key_node, sub, f"unknown key; expected one of: {options}")
                continue
            entries[key] = value_node
        for key in required:
            if key not in entries:
                self.err(node, field or "(top level)", f"missing required key '{key}'")
        return entries

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and _scalar_value(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, field, f"expected a list, found {_kind(node)}")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, field: str, *, allow_empty: bool = False) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            self.err(node, field, f"expected text, found {_kind(node)}")
            return None
        value = _scalar_value(node)
        if value is None:
            if not allow_empty:
                self.err(node, field, "expected text, found nothing")
            return None
        if isinstance(value, bool):
            self.err(node, field, f"expected text, found {_kind(node)}")
            return None
        text = str(node.value).strip()
        if not text and not allow_empty:
            self.err(node, field, "must not be empty")
            return None
        return text

    def ident(self, node: yaml.Node, field: str) -> str | None:
        value = self.text(node, field)
        if value is not None and not _ID.match(value):
            self.err(
                node,
                field,
                f"{value!r} is not a valid id (letters, digits, '_', '-', '.'; no spaces)",
            )
            return None
        return value

    def number(
        self,
        node: yaml.Node,
        field: str,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
    ) -> float | None:
        value = _scalar_value(node) if isinstance(node, yaml.ScalarNode) else None
        wanted = "a whole number" if integer else "a number"
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.err(node, field, f"expected {wanted}, found {_kind(node)}")
            return None
        if integer and not isinstance(value, int):
            self.err(node, field, f"expected {wanted}, found {node.value}")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if maximum is None:
                bounds = f"at least {minimum:g}"
            elif minimum is None:
                bounds = f"at most {maximum:g}"
            else:
                bounds = f"from {minimum:g} to {maximum:g}"
            self.err(node, field, f"{node.value} is out of range; expected {bounds}")
            return None
        return value

    def choice(
        self,
        node: yaml.Node,
        field: str,
        options: Iterable[str],
        what: str,
        normalize: Callable[[str], str] = str.strip,
    ) -> str | None:
        options = tuple(options)
        value = self.text(node, field)
        if value is None:
            return None
        canonical = normalize(value)
        if canonical not in options:
            self.err(node, field, f"{value!r} is not {what}; expected one of: {', '.join(options)}")
            return None
        return canonical

    def dimension_list(self, node: yaml.Node, field: str) -> tuple[str, ...] | None:
        if isinstance(node, yaml.ScalarNode) and _scalar_value(node) is None:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, field, f"expected a list of dimensions, found {_kind(node)}")
            return None
        items = list(node.value)
        seen: list[str] = []
        ok = True
        for i, item in enumerate(items):
            dim = self.choice(item, f"{field}[{i}]", DIMENSIONS, "a differentiation dimension")
            if dim is None:
                ok = False
            elif dim in seen:
                self.err(item, f"{field}[{i}]", f"dimension '{dim}' is listed twice")
                ok = False
            else:
                seen.append(dim)
        return tuple(seen) if ok else None

    def text_list(self, node: yaml.Node, field: str) -> tuple[str, ...]:
        if isinstance(node, yaml.ScalarNode) and _scalar_value(node) is not None:
            value = self.text(node, field)
            return (value,) if value else ()
        out = []
        for i, item in enumerate(self.sequence(node, field)):
            value = self.text(item, f"{field}[{i}]")
            if value:
                out.append(value)
        return tuple(out)

    # -- the document -------------------------------------------------------------------
    def read(self, text: str) -> Case:
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
                self.source, [Issue(line, "yaml", f"invalid YAML: {problem}{context}")]
            ) from None
        except yaml.YAMLError as exc:
            raise CaseFileError(self.source, [Issue(1, "yaml", f"invalid YAML: {exc}")]) from None
        if root is None:
            raise CaseFileError(
                self.source,
                [
                    Issue(
                        1, "kamkit_case", "the file is empty; expected a case with 'kamkit_case: 1'"
                    )
                ],
            )
        top = self.mapping(
            root,
            "",
            allowed=(
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
            ),
            required=("kamkit_case", "title", "units", "links"),
        )
        if top is None:
            raise CaseFileError(self.source, self.issues)
        if "kamkit_case" in top:
            version_node = top["kamkit_case"]
            version = (
                _scalar_value(version_node) if isinstance(version_node, yaml.ScalarNode) else None
            )
            if version != SUPPORTED_VERSION or isinstance(version, bool):
                shown = version_node.value if isinstance(version_node, yaml.ScalarNode) else "?"
                # a different version means a different format: stop before misreading it
                raise CaseFileError(
                    self.source,
                    [
                        Issue(
                            _line(version_node),
                            "kamkit_case",
                            f"unsupported case file version {shown!r}; "
                            f"this kamkit reads version {SUPPORTED_VERSION}",
                        )
                    ],
                )
        title = self.text(top["title"], "title") if "title" in top else None
        firm = self.text(top["firm"], "firm", allow_empty=True) if "firm" in top else None
        description = (
            self.text(top["description"], "description", allow_empty=True)
            if "description" in top
            else None
        )
        wave = self.text(top["wave"], "wave") if "wave" in top else None
        period = self.period(top["period"]) if "period" in top else (None, None)
        settings = self.settings(top["settings"]) if "settings" in top else Settings()

        units = self.units(top["units"]) if "units" in top else {}
        respondents = self.respondents(top.get("respondents"), units)
        profiles = self.profiles(top.get("profiles"), units)
        ratings = self.ratings(top.get("ratings"), respondents)
        statements = self.statements(top.get("statements"), units, respondents)
        links = self.links(top["links"], units) if "links" in top else []

        if self.issues:
            raise CaseFileError(self.source, self.issues)
        assert title is not None
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
            source=self.source,
        )

    def period(self, node: yaml.Node) -> tuple[str | None, str | None]:
        entries = self.mapping(node, "period", allowed=("start", "end"))
        if entries is None:
            return (None, None)
        out: list[str | None] = []
        for key in ("start", "end"):
            if key not in entries:
                out.append(None)
                continue
            value = self.text(entries[key], f"period.{key}")
            if value is not None and not _MONTH.match(value):
                self.err(entries[key], f"period.{key}", f"{value!r} is not a month (YYYY-MM)")
                value = None
            out.append(value)
        start, end = out
        if start and end and start > end:
            self.err(node, "period", f"starts ({start}) after it ends ({end})")
        return (start, end)

    def settings(self, node: yaml.Node) -> Settings:
        entries = self.mapping(node, "settings", allowed=("rating_threshold",))
        if not entries:
            return Settings()
        threshold = Settings().rating_threshold
        if "rating_threshold" in entries:
            value = self.number(
                entries["rating_threshold"], "settings.rating_threshold", minimum=0.0, maximum=6.0
            )
            if value is not None and value <= 0:
                self.err(entries["rating_threshold"], "settings.rating_threshold", "must be > 0")
            elif value is not None:
                threshold = float(value)
        return Settings(rating_threshold=threshold)

    def practices(self, node: yaml.Node, field: str) -> dict[str, str] | None:
        entries = self.mapping(node, field, allowed=PRACTICES)
        if entries is None:
            return None
        out: dict[str, str] = {}
        ok = True
        for practice in PRACTICES:
            if practice not in entries:
                self.err(
                    node,
                    f"{field}.{practice}",
                    "missing; record each of the four practices (absent, partial or substantial)",
                )
                ok = False
                continue
            value = self.choice(
                entries[practice],
                f"{field}.{practice}",
                PRACTICE_VALUES,
                "a practice level",
                normalize=lambda s: s.strip().lower(),
            )
            if value is None:
                ok = False
            else:
                out[practice] = value
        return out if ok else None

    def units(self, node: yaml.Node) -> dict[str, Unit]:
        units: dict[str, Unit] = {}
        parents: dict[str, tuple[str, yaml.Node, str]] = {}
        items = self.sequence(node, "units")
        if isinstance(node, yaml.SequenceNode) and not items:
            self.err(node, "units", "no units; a case needs at least one KAM unit and one partner")
        for i, item in enumerate(items):
            field = f"units[{_peek(item, 'id') or i}]"
            entries = self.mapping(
                item,
                field,
                allowed=(
                    "id",
                    "name",
                    "kind",
                    "parent",
                    "members",
                    "age_years",
                    "description",
                    "practices",
                    "evidence",
                ),
                required=("id", "kind"),
            )
            if entries is None or "id" not in entries:
                continue
            uid = self.ident(entries["id"], f"{field}.id")
            if uid is None:
                continue
            field = f"units[{uid}]"
            if uid in units:
                self.err(entries["id"], f"{field}.id", f"duplicate unit id '{uid}'")
                continue
            kind = (
                self.choice(entries["kind"], f"{field}.kind", UNIT_KINDS, "a unit kind")
                if "kind" in entries
                else None
            )
            name = self.text(entries["name"], f"{field}.name") if "name" in entries else None
            members = (
                self.number(entries["members"], f"{field}.members", minimum=0, integer=True)
                if "members" in entries
                else None
            )
            age = (
                self.number(entries["age_years"], f"{field}.age_years", minimum=0)
                if "age_years" in entries
                else None
            )
            desc = (
                self.text(entries["description"], f"{field}.description", allow_empty=True)
                if "description" in entries
                else None
            )
            practices = None
            if "practices" in entries:
                practices = self.practices(entries["practices"], f"{field}.practices")
                if kind is not None and kind != "kam":
                    self.err(
                        entries["practices"],
                        f"{field}.practices",
                        "only a KAM unit records a repertoire of alignment practices",
                    )
            evidence = (
                self.text_list(entries["evidence"], f"{field}.evidence")
                if "evidence" in entries
                else ()
            )
            if "parent" in entries:
                parent = self.ident(entries["parent"], f"{field}.parent")
                if parent is not None:
                    parents[uid] = (parent, entries["parent"], field)
            units[uid] = Unit(
                id=uid,
                name=name or uid,
                kind=kind or "other",
                parent=None,
                members=int(members) if members is not None else None,
                age_years=float(age) if age is not None else None,
                description=desc,
                practices=practices,
                evidence=evidence,
                line=_line(item),
            )
        # parents are resolved once every unit is known, so order in the file is free
        for uid, (parent, pnode, field) in parents.items():
            if parent not in units:
                self.err(pnode, f"{field}.parent", f"no unit with id '{parent}'")
                continue
            if parent == uid:
                self.err(pnode, f"{field}.parent", "a unit cannot be its own parent")
                continue
            if units[uid].kind == "kam" and units[parent].kind != "kam":
                self.err(
                    pnode,
                    f"{field}.parent",
                    f"a KAM team's parent must be a KAM unit; '{parent}' is a {units[parent].kind}",
                )
                continue
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
                line=u.line,
            )
        for uid in units:
            seen = {uid}
            cur = units[uid].parent
            while cur is not None and cur in units:
                if cur in seen:
                    self.err(
                        units[uid].line or 1,
                        f"units[{uid}].parent",
                        "the parent chain loops back to this unit",
                    )
                    break
                seen.add(cur)
                cur = units[cur].parent
        return units

    def respondents(self, node: yaml.Node | None, units: dict[str, Unit]) -> dict[str, Respondent]:
        out: dict[str, Respondent] = {}
        if node is None:
            return out
        for i, item in enumerate(self.sequence(node, "respondents")):
            field = f"respondents[{_peek(item, 'id') or i}]"
            entries = self.mapping(
                item,
                field,
                allowed=("id", "unit", "position", "tenure_years"),
                required=("id", "unit"),
            )
            if entries is None or "id" not in entries:
                continue
            rid = self.ident(entries["id"], f"{field}.id")
            if rid is None:
                continue
            field = f"respondents[{rid}]"
            if rid in out:
                self.err(entries["id"], f"{field}.id", f"duplicate respondent id '{rid}'")
                continue
            unit_ids: list[str] = []
            if "unit" in entries:
                unode = entries["unit"]
                targets = unode.value if isinstance(unode, yaml.SequenceNode) else [unode]
                if isinstance(unode, yaml.SequenceNode) and not targets:
                    self.err(unode, f"{field}.unit", "names no unit")
                for t in targets:
                    uid = self.ident(t, f"{field}.unit")
                    if uid is None:
                        continue
                    if uid not in units:
                        self.err(t, f"{field}.unit", f"no unit with id '{uid}'")
                    else:
                        unit_ids.append(uid)
            position = (
                self.text(entries["position"], f"{field}.position", allow_empty=True)
                if "position" in entries
                else None
            )
            tenure = (
                self.number(entries["tenure_years"], f"{field}.tenure_years", minimum=0)
                if "tenure_years" in entries
                else None
            )
            out[rid] = Respondent(
                id=rid,
                units=tuple(unit_ids),
                position=position,
                tenure_years=float(tenure) if tenure is not None else None,
                line=_line(item),
            )
        return out

    def profile_value(self, node: yaml.Node, field: str) -> ProfileValue | None:
        if isinstance(node, yaml.SequenceNode):
            ranking = self.text_list(node, field)
            if not ranking:
                self.err(node, field, "an empty ranking; list at least one value")
                return None
            return ranking
        if isinstance(node, yaml.ScalarNode):
            value = _scalar_value(node)
            if isinstance(value, int | float) and not isinstance(value, bool):
                number = self.number(node, field, minimum=RATING_MIN, maximum=RATING_MAX)
                return float(number) if number is not None else None
            text = self.text(node, field)
            return text.lower() if text else None
        self.err(
            node, field, f"expected a category, a ranked list or a 1-7 mean, found {_kind(node)}"
        )
        return None

    def profiles(
        self, node: yaml.Node | None, units: dict[str, Unit]
    ) -> dict[str, dict[str, ProfileValue]]:
        out: dict[str, dict[str, ProfileValue]] = {}
        if node is None:
            return out
        entries = self.mapping(node, "profiles")
        if not entries:
            return out
        for uid, pnode in entries.items():
            field = f"profiles.{uid}"
            if uid not in units:
                key_line = _line(pnode)
                self.err(key_line, field, f"no unit with id '{uid}'")
                continue
            dims = self.mapping(pnode, field, allowed=DIMENSIONS)
            if dims is None:
                continue
            values: dict[str, ProfileValue] = {}
            for dim, vnode in dims.items():
                value = self.profile_value(vnode, f"{field}.{dim}")
                if value is not None:
                    values[dim] = value
            out[uid] = values
        return out

    def ratings(self, node: yaml.Node | None, respondents: dict[str, Respondent]) -> list[Rating]:
        out: list[Rating] = []
        if node is None:
            return out
        for i, item in enumerate(self.sequence(node, "ratings")):
            field = f"ratings[{i}]"
            entries = self.mapping(
                item,
                field,
                allowed=("respondent", "item", "dimension", "value"),
                required=("respondent", "dimension", "value"),
            )
            if entries is None or len(entries.keys() & {"respondent", "dimension", "value"}) < 3:
                continue
            rid = self.ident(entries["respondent"], f"{field}.respondent")
            if rid is not None and rid not in respondents:
                self.err(
                    entries["respondent"], f"{field}.respondent", f"no respondent with id '{rid}'"
                )
                rid = None
            dim = self.choice(
                entries["dimension"],
                f"{field}.dimension",
                DIMENSIONS,
                "a differentiation dimension",
            )
            value = self.number(
                entries["value"], f"{field}.value", minimum=RATING_MIN, maximum=RATING_MAX
            )
            item_name = self.text(entries["item"], f"{field}.item") if "item" in entries else None
            if rid is None or dim is None or value is None:
                continue
            out.append(Rating(rid, item_name or dim, dim, float(value), _line(item)))
        return out

    def statements(
        self,
        node: yaml.Node | None,
        units: dict[str, Unit],
        respondents: dict[str, Respondent],
    ) -> list[Statement]:
        out: list[Statement] = []
        if node is None:
            return out
        for i, item in enumerate(self.sequence(node, "statements")):
            field = f"statements[{i}]"
            entries = self.mapping(
                item,
                field,
                allowed=("respondent", "unit", "dimensions", "text"),
                required=("text",),
            )
            if entries is None:
                continue
            rid = uid = None
            if "respondent" in entries:
                rid = self.ident(entries["respondent"], f"{field}.respondent")
                if rid is not None and rid not in respondents:
                    self.err(
                        entries["respondent"],
                        f"{field}.respondent",
                        f"no respondent with id '{rid}'",
                    )
            if "unit" in entries:
                uid = self.ident(entries["unit"], f"{field}.unit")
                if uid is not None and uid not in units:
                    self.err(entries["unit"], f"{field}.unit", f"no unit with id '{uid}'")
            if "respondent" not in entries and "unit" not in entries:
                self.err(item, field, "say who made the statement: a 'respondent' or a 'unit'")
            dims = (
                self.dimension_list(entries["dimensions"], f"{field}.dimensions")
                if "dimensions" in entries
                else ()
            )
            text = self.text(entries["text"], f"{field}.text") if "text" in entries else None
            if text is None or dims is None:
                continue
            if uid is None and rid in respondents and respondents[rid].units:
                uid = respondents[rid].units[0]
            out.append(
                Statement(text=text, dimensions=dims, respondent=rid, unit=uid, line=_line(item))
            )
        return out

    def quality(self, node: yaml.Node, field: str) -> RelationshipQuality | None:
        if isinstance(node, yaml.MappingNode):
            entries = self.mapping(
                node, field, allowed=("valence", "description"), required=("valence",)
            )
            if not entries or "valence" not in entries:
                return None
            valence = self.choice(
                entries["valence"],
                f"{field}.valence",
                QUALITY_VALENCES,
                "a valence",
                normalize=lambda s: s.strip().lower(),
            )
            desc = (
                self.text(entries["description"], f"{field}.description", allow_empty=True)
                if "description" in entries
                else None
            )
            return RelationshipQuality(valence, desc or valence) if valence else None
        word = self.text(node, field)
        if word is None:
            return None
        valence = QUALITY_WORDS.get(word.strip().lower())
        if valence is None:
            self.err(
                node,
                field,
                f"{word!r} is not a known quality word; use one of: {', '.join(QUALITY_WORDS)}, "
                "or a mapping {valence: positive|mixed|negative, description: ...}",
            )
            return None
        return RelationshipQuality(valence, word)

    def links(self, node: yaml.Node, units: dict[str, Unit]) -> list[Link]:
        out: list[Link] = []
        seen: set[tuple[str, str]] = set()
        items = self.sequence(node, "links")
        if isinstance(node, yaml.SequenceNode) and not items:
            self.err(
                node, "links", "no links; a diagnosis needs at least one KAM unit–partner link"
            )
        for i, item in enumerate(items):
            kam_peek, partner_peek = _peek(item, "kam"), _peek(item, "partner")
            field = (
                f"links[{kam_peek}->{partner_peek}]" if kam_peek and partner_peek else f"links[{i}]"
            )
            entries = self.mapping(
                item,
                field,
                allowed=(
                    "kam",
                    "partner",
                    "flows",
                    "requisite_integration",
                    "differs",
                    "alignment",
                    "relationship_quality",
                    "notes",
                ),
                required=("kam", "partner"),
            )
            if entries is None or "kam" not in entries or "partner" not in entries:
                continue
            kam = self.ident(entries["kam"], f"{field}.kam")
            partner = self.ident(entries["partner"], f"{field}.partner")
            if kam is not None and partner is not None:
                field = f"links[{kam}->{partner}]"
            ok = kam is not None and partner is not None
            if kam is not None:
                if kam not in units:
                    self.err(entries["kam"], f"{field}.kam", f"no unit with id '{kam}'")
                    ok = False
                elif units[kam].kind != "kam":
                    self.err(
                        entries["kam"],
                        f"{field}.kam",
                        f"'{kam}' is a {units[kam].kind} unit; a link starts at a unit of kind kam",
                    )
                    ok = False
            if partner is not None:
                if partner not in units:
                    self.err(entries["partner"], f"{field}.partner", f"no unit with id '{partner}'")
                    ok = False
                elif units[partner].kind != "partner":
                    self.err(
                        entries["partner"],
                        f"{field}.partner",
                        f"'{partner}' is a {units[partner].kind} unit; "
                        "a link ends at a unit of kind partner",
                    )
                    ok = False
            if ok and (kam, partner) in seen:
                self.err(item, field, f"duplicate link from '{kam}' to '{partner}'")
                ok = False
            flows: dict[str, str] = {}
            if "flows" in entries:
                fentries = self.mapping(entries["flows"], f"{field}.flows", allowed=FLOW_KINDS)
                for kind, fnode in (fentries or {}).items():
                    value = self.choice(
                        fnode,
                        f"{field}.flows.{kind}",
                        FLOW_LEVELS,
                        "a flow level",
                        normalize=lambda s: s.strip().lower(),
                    )
                    if value is None:
                        ok = False
                    else:
                        flows[kind] = value
            requisite = None
            if "requisite_integration" in entries:
                requisite = self.choice(
                    entries["requisite_integration"],
                    f"{field}.requisite_integration",
                    REQUISITE_INTEGRATION,
                    "a kind of requisite integration",
                )
                ok = ok and requisite is not None
            differs = None
            if "differs" in entries:
                differs = self.dimension_list(entries["differs"], f"{field}.differs")
                ok = ok and differs is not None
            alignment = None
            if "alignment" in entries:
                alignment = self.alignment(entries["alignment"], f"{field}.alignment")
                ok = ok and alignment is not None
            quality = None
            if "relationship_quality" in entries:
                quality = self.quality(
                    entries["relationship_quality"], f"{field}.relationship_quality"
                )
                ok = ok and quality is not None
            notes = (
                self.text(entries["notes"], f"{field}.notes", allow_empty=True)
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
                    line=_line(item),
                )
            )
        return out

    def alignment(self, node: yaml.Node, field: str) -> Alignment | None:
        entries = self.mapping(node, field, allowed=("practices", "level", "evidence"))
        if entries is None:
            return None
        practices = None
        ok = True
        if "practices" in entries:
            practices = self.practices(entries["practices"], f"{field}.practices")
            ok = practices is not None
        level = None
        if "level" in entries:
            level = self.choice(
                entries["level"],
                f"{field}.level",
                ALIGNMENT_LEVELS,
                "an alignment level",
                normalize=normalize_level,
            )
            ok = ok and level is not None
        evidence = (
            self.text_list(entries["evidence"], f"{field}.evidence")
            if "evidence" in entries
            else ()
        )
        return Alignment(practices=practices, level=level, evidence=evidence) if ok else None
