"""The research data page (issue 19, item 5): choose a data set, a format and whether to
pseudonymise; download the data file with its codebook as one ZIP. For the supplier's
KAM team and analysts; customers and internal partners get 404."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from kamkit.core.research.datasets import files
from kamkit.core.research.instruments import item_bank
from kamkit.web.diagnosis.models import DiagnosisProject

from .data import DatasetError, dataset, may_export
from .forms import (
    DATASET_LABELS,
    DatasetForm,
    DocumentForm,
    InviteForm,
    PulseSurveyForm,
    SurveyForm,
)
from .models import (
    MAX_REMINDERS,
    REMIND_AFTER_DAYS,
    SURVEY_DAYS,
    CodingDocument,
    SegmentCoding,
    Survey,
    SurveyInvitation,
)
from .services import (
    add_to_wave,
    adjudicate_segment,
    ask_for_pulses,
    close_survey,
    create_survey,
    document_agreement,
    import_document,
    invite,
    may_ask_for_pulses,
    may_run_surveys,
    parse_invitees,
    progress,
    questionnaire,
    remind,
    save_codes,
    submit,
)


def research(request: HttpRequest) -> HttpResponse:
    """The form; with ``download`` in the query, the ZIP of the chosen data set."""
    if not may_export(request.user):
        raise Http404
    projects = DiagnosisProject.objects.visible_to(request.user)
    asked = "download" in request.GET
    form = DatasetForm(request.GET if asked else None, projects=projects)
    status = 200
    if asked:
        if form.is_valid():
            opts = form.cleaned_data
            try:
                data = dataset(
                    opts["dataset"],
                    request.user,
                    start=opts["start"],
                    end=opts["end"],
                    projects=opts["projects"],
                    pseudonymised=opts["pseudonymise"],
                    bounded=True,  # the page: a request stays short
                )
            except DatasetError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                return _zip(data, opts["format"])
        status = 422
    context = {"form": form, "labels": DATASET_LABELS, "projects": projects}
    return render(request, "research/index.html", context, status=status)


def _zip(data, fmt: str) -> HttpResponse:
    stem = f"kamkit-{data.name}-{timezone.localdate():%Y-%m-%d}"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in files(data, fmt, stem):
            z.writestr(name, content)
    response = HttpResponse(buf.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{stem}.zip"'
    return response


# -- questionnaires (issue 19, item 2) ---------------------------------------------------


def _wave_to_work_on(request: HttpRequest, pk: int):
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    from kamkit.web.diagnosis.models import DiagnosisCase, reads_diagnosis

    if not reads_diagnosis(request.user):
        raise Http404
    wave = get_object_or_404(DiagnosisCase.objects.visible_to(request.user), pk=pk)
    if not may_run_surveys(request.user):
        raise PermissionDenied("analysts, KAM directors and administrators run questionnaires")
    return wave


def wave_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    """A wave's questionnaires, and a form to start one."""
    wave = _wave_to_work_on(request, pk)
    form = SurveyForm(
        request.POST or None,
        initial={
            "closes_on": timezone.localdate() + dt.timedelta(days=SURVEY_DAYS),
            "anonymous": True,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                survey = create_survey(request.user, wave, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to(form, exc)
            else:
                messages.success(request, _("The questionnaire is ready: invite people to it."))
                return redirect("research:survey", pk=survey.pk)
        status = 422
    context = {
        "wave": wave,
        "form": form,
        "surveys": wave.surveys.all(),
        "items": item_bank().items("differentiation"),
    }
    return render(request, "research/wave_surveys.html", context, status=status)


def _survey(request: HttpRequest, pk: int) -> Survey:
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    from kamkit.web.accounts.models import Account

    survey = get_object_or_404(Survey.objects.select_related("wave__project", "account"), pk=pk)
    if survey.wave_id is not None:
        _wave_to_work_on(request, survey.wave_id)
    else:
        if not Account.objects.visible_to(request.user).filter(pk=survey.account_id).exists():
            raise Http404
        if not may_ask_for_pulses(request.user, survey.account):
            raise PermissionDenied("the account's KA manager and KAM directors run its pulses")
    return survey


def _account_for_pulses(request: HttpRequest, pk: int):
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    from kamkit.web.accounts.models import Account

    if request.user.role == "customer":
        raise Http404
    account = get_object_or_404(Account.objects.visible_to(request.user), pk=pk)
    if not may_ask_for_pulses(request.user, account):
        raise PermissionDenied("the account's KA manager and KAM directors ask for pulses")
    return account


def account_pulses(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask an account's customer contacts for a relationship pulse by one-time links, and
    the pulses asked for before."""
    from kamkit.web.accounts.models import Side

    account = _account_for_pulses(request, pk)
    contacts = list(account.persons.alive().filter(side=Side.CUSTOMER).order_by("name"))
    form = PulseSurveyForm(
        request.POST or None,
        people=contacts,
        initial={
            "closes_on": timezone.localdate() + dt.timedelta(days=14),
            "language": "en",
            "remind_after_days": REMIND_AFTER_DAYS,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = ask_for_pulses(
                    request.user,
                    account,
                    data["people"],
                    closes_on=data["closes_on"],
                    language=data["language"],
                    remind_after_days=data["remind_after_days"],
                    link_base=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                _errors_to(form, exc)
            else:
                n = survey.invitations.count()
                messages.success(
                    request,
                    ngettext(
                        "Asked {count} person; each got a link.",
                        "Asked {count} people; each got a link.",
                        n,
                    ).format(count=n),
                )
                return redirect("research:survey", pk=survey.pk)
        status = 422
    context = {
        "account": account,
        "form": form,
        "surveys": [
            (s, len(s.invitations.all()), sum(1 for i in s.invitations.all() if i.answered_at))
            for s in account.surveys.prefetch_related("invitations")
        ],
        "without_email": [p for p in contacts if not p.email],
        "items": len(questionnaire(Survey(instrument="relationship"))),
    }
    return render(request, "research/account_pulses.html", context, status=status)


def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress per unit, inviting people, reminders, closing."""
    survey = _survey(request, pk)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitees = parse_invitees(
                    form.cleaned_data["invitees"], pairs=survey.instrument == "frame_alignment"
                )
                made = invite(request.user, survey, invitees, request.build_absolute_uri("/"))
            except ValidationError as exc:
                _errors_to(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Invited {count} person; each got a link by email.",
                        "Invited {count} people; each got a link by email.",
                        len(made),
                    ).format(count=len(made)),
                )
                return redirect("research:survey", pk=survey.pk)
        status = 422
    invitations = survey.invitations.all()
    context = {
        "survey": survey,
        "form": form,
        "progress": progress(survey),
        "invitations": invitations,
        "answered": sum(1 for i in invitations if i.answered_at),
        "max_reminders": MAX_REMINDERS,
    }
    return render(request, "research/survey.html", context, status=status)


@require_POST
def survey_remind(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        n = remind(request.user, survey, request.build_absolute_uri("/"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Reminded {count} person with a new link.",
                "Reminded {count} people with a new link.",
                n,
            ).format(count=n)
            if n
            else _("Nobody to remind: everyone answered or had the last reminder."),
        )
    return redirect("research:survey", pk=survey.pk)


@require_POST
def survey_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    close_survey(request.user, survey)
    messages.success(request, _("The questionnaire is closed; its links no longer work."))
    return redirect("research:survey", pk=survey.pk)


@login_not_required
def answer(request: HttpRequest, secret: str) -> HttpResponse:
    """The respondent's questionnaire: no login, the link is the key; on a phone too."""
    invitation = SurveyInvitation.open_for(secret)
    if invitation is None:
        return render(request, "research/answer_gone.html", status=404)
    lang = request.GET.get("lang") or request.POST.get("lang") or invitation.language
    lang = lang if lang in ("en", "de") else "en"
    survey = invitation.survey
    errors: dict[str, list[str]] = {}
    values = dict(request.POST.items()) if request.method == "POST" else {}
    if request.method == "POST":
        try:
            submit(invitation, {k: v for k, v in values.items() if k != "csrfmiddlewaretoken"})
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            return render(request, "research/answer_done.html", {"lang": lang})
    bank = item_bank()
    instrument = bank.instruments[survey.instrument]
    scale = bank.scales["agree7"]
    if survey.wave_id is not None:
        unit_name = _unit_name(survey, invitation.target or invitation.unit)
    else:
        unit_name = survey.account.name
    items = [
        {
            "id": i.id,
            "text": i.text[lang],
            "value": values.get(i.id, ""),
            "error": errors.get(i.id, [""])[0],
        }
        for i in questionnaire(survey)
    ]
    phases = []
    if survey.instrument == "relationship":
        phases = [(k, v[lang]) for k, v in (bank.scales["phase4"].categories or {}).items()]
    context = {
        "lang": lang,
        "intro": instrument.intro[lang],
        "title": instrument.title[lang],
        "unit_name": unit_name,
        "anchors": [(k, v[lang]) for k, v in (scale.anchors or {}).items()],
        "items": items,
        "errors": errors.get("__all__", []),
        "anonymous": survey.anonymous,
        "closes_on": survey.closes_on,
        "phases": phases,
        "phase_question": bank.item("PH1").text[lang],
        "phase": values.get("phase", ""),
        "consent": values.get("consent") == "on",
        "consent_error": errors.get("consent", [""])[0],
    }
    return render(request, "research/answer.html", context, status=422 if errors else 200)


def _unit_name(survey: Survey, unit: str) -> str:
    """The unit's name in the wave (its id when the file cannot be read)."""
    from kamkit.core.diagnosis import CaseFileError, parse_case

    try:
        case = parse_case(survey.wave.source_yaml, source=survey.wave.title)
    except CaseFileError:
        return unit
    return case.unit_names().get(unit, unit)


def _errors_to(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, problems in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
    else:
        form.add_error(None, exc.messages)


# -- coding (issue 19, item 3) -----------------------------------------------------------

SEGMENTS_PER_PAGE = 40


def _targets():
    from kamkit.core.diagnosis.scales import PRACTICES
    from kamkit.web.labels import DIMENSION_LABELS, PRACTICE_LABELS

    return [*DIMENSION_LABELS.items(), *[(p, PRACTICE_LABELS[p]) for p in PRACTICES]]


SHORT_CODES = {
    "structural_formalization": pgettext_lazy("code", "formalization"),
    "orientation_toward_others": pgettext_lazy("code", "others"),
    "time_orientation": pgettext_lazy("code", "time"),
    "goal_orientation": pgettext_lazy("code", "goal"),
    "linguistic_orientation": pgettext_lazy("code", "linguistic"),
    "motivational_orientation": pgettext_lazy("code", "motivational"),
    "bridging": pgettext_lazy("code", "bridging"),
    "amplification": pgettext_lazy("code", "amplification"),
    "extension": pgettext_lazy("code", "extension"),
    "transformation": pgettext_lazy("code", "transformation"),
}
"""A code in a row of agreements: a dimension or practice in a word (its full name on
hover)."""


def coding(request: HttpRequest, pk: int) -> HttpResponse:
    """A wave's coding documents, and bringing in another."""
    from kamkit.core.diagnosis import parse_case

    wave = _wave_to_work_on(request, pk)
    units = parse_case(wave.source_yaml, source=wave.title).units
    form = DocumentForm(request.POST or None, request.FILES or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = import_document(
                    request.user,
                    wave,
                    upload.name,
                    upload.read(),
                    form.cleaned_data["unit"] or None,
                )
            except ValidationError as exc:
                _errors_to(form, exc)
            else:
                messages.success(
                    request,
                    _("{name}: {count} paragraphs to code.").format(
                        name=document.name, count=document.segments.count()
                    ),
                )
                return redirect("research:coding", pk=wave.pk)
        status = 422
    documents = []
    full = dict(_targets())
    for doc in wave.coding_documents.all():
        ag = document_agreement(doc)
        codes = [(SHORT_CODES.get(a.target, a.target), full.get(a.target), a) for a in ag.agreement]
        documents.append((doc, ag, codes))
    context = {
        "wave": wave,
        "form": form,
        "documents": documents,
        "me": request.user.get_username(),
    }
    return render(request, "research/coding.html", context, status=status)


def _document(request: HttpRequest, pk: int):
    from django.shortcuts import get_object_or_404

    document = get_object_or_404(CodingDocument.objects.select_related("wave"), pk=pk)
    _wave_to_work_on(request, document.wave_id)
    return document


def code_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The user codes a page of paragraphs: for each, the dimensions and practices it
    speaks of. Other coders' codes are not shown (they code independently)."""
    from django.core.paginator import Paginator

    document = _document(request, pk)
    me = request.user.get_username()
    page = Paginator(document.segments.all(), SEGMENTS_PER_PAGE).get_page(request.GET.get("page"))
    targets = _targets()
    if request.method == "POST":
        ids = [int(x) for x in request.POST.getlist("segment") if x.isdigit()]
        codes = {sid: request.POST.getlist(f"s{sid}") for sid in ids}
        try:
            n = save_codes(request.user, document, codes)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved your codes of {count} paragraphs.").format(count=n))
            nxt = page.next_page_number() if page.has_next() else page.number
            return redirect(f"{request.path}?page={nxt}")
    mine = {
        c.segment_id: set(c.targets)
        for c in SegmentCoding.objects.filter(segment__in=page.object_list, coder=me)
    }
    rows = [(s, mine.get(s.pk), s.pk in mine) for s in page.object_list]
    context = {"document": document, "page": page, "rows": rows, "targets": targets, "me": me}
    return render(request, "research/code.html", context)


def document_agreement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Agreement per code, and the paragraphs the coders coded differently, each with a
    form to settle its codes."""
    document = _document(request, pk)
    if request.method == "POST":
        from django.shortcuts import get_object_or_404

        segment = get_object_or_404(document.segments, pk=request.POST.get("segment") or 0)
        try:
            adjudicate_segment(request.user, segment, request.POST.getlist("targets"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Paragraph {index_1} settled.").format(index_1=segment.index + 1)
            )
        return redirect("research:document_agreement", pk=document.pk)
    result = document_agreement(document)
    labels = dict(_targets())
    rows = [(labels[a.target], a) for a in result.agreement]
    differing = [
        (s, [(c.coder, [labels.get(t, t) for t in c.targets]) for c in s.codings.all()])
        for s in document.segments.filter(pk__in=result.disagreements).prefetch_related("codings")
    ]
    context = {
        "document": document,
        "result": result,
        "rows": rows,
        "differing": differing,
        "targets": _targets(),
    }
    return render(request, "research/agreement.html", context)


@require_POST
def add_statements(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    try:
        n = add_to_wave(request.user, document)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("{count} statements joined the wave.").format(count=n))
    return redirect("research:coding", pk=document.wave_id)
