"""The one write path of stored diagnosis cases (the page, later the API and imports)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from kamkit.core.diagnosis import CaseFileError, diagnose, parse_case
from kamkit.core.texts import control_problem
from kamkit.web.users.models import User

from .models import DiagnosisCase, sees_diagnosis

MAX_CASE_BYTES = 10 * 1024 * 1024
"""The largest case file kamkit stores (kamkit assumption: bench/diagnosis.py's case of
10,000 KAM unit–partner pairs and 30,000 ratings is 5.1 MB)."""

MAX_ISSUES_SHOWN = 50
"""The first problems of a refused case file shown on the page (the command line,
``kamkit diagnose``, lists every one)."""


def may_store(user: User) -> bool:
    """Those who see the diagnosis store cases: analysts, KAM directors, administrators."""
    return sees_diagnosis(user)


def store_case(
    user: User | None, text: str, title: str = "", name: str = "case file"
) -> DiagnosisCase:
    """Store a case file once the core accepts it, so every stored case can be diagnosed.
    ``title``: the list's name for it (the case's own title when empty); ``name``: how
    messages name the file. Raises ``PermissionDenied``, or ``ValidationError`` naming
    ``file`` (every located problem, the first ``MAX_ISSUES_SHOWN``) or ``title``;
    nothing is written then. ``user`` None: kamkit itself (the demo)."""
    if user is not None and not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators store cases")
    title = (title or "").strip()
    errors: dict[str, str] = {}
    if len(text.encode("utf-8")) > MAX_CASE_BYTES:
        raise ValidationError({"file": f"larger than {MAX_CASE_BYTES // 2**20} MB"})
    if "\x00" in text:
        raise ValidationError({"file": "not a text file (it holds NUL characters)"})
    if len(title) > 200:
        errors["title"] = f"at most 200 characters (it has {len(title)})"
    elif title and (problem := control_problem(title)):
        errors["title"] = problem
    try:
        case = parse_case(text, source=name)
        result = diagnose(case)
    except CaseFileError as exc:
        shown = exc.issues[:MAX_ISSUES_SHOWN]
        lines = [f"line {i.line}: {i.field}: {i.problem}" for i in shown]
        if len(exc.issues) > len(shown):
            lines.append(
                f"… and {len(exc.issues) - len(shown)} more (kamkit diagnose lists them all)"
            )
        errors["file"] = "\n".join(lines)
    if errors:
        raise ValidationError(errors)
    return DiagnosisCase.objects.create(
        title=title or case.title[:200],
        source_yaml=text,
        created_by=user,
        pairs=len(result.dyads),
        gaps=len(result.gaps()),
    )


def delete_case(user: User, case: DiagnosisCase) -> None:
    """Delete a stored case for good (its case file can be downloaded first); those who
    store cases may delete them."""
    if not may_store(user):
        raise PermissionDenied("analysts, KAM directors and administrators delete cases")
    case.delete()
