"""API v1 (django-ninja): session or ``Authorization: Bearer <token>``."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as RecordError
from django.http import HttpRequest
from django.urls import register_converter
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from kamkit.web.base import MAX_ID, Conflict, StaleVersion
from kamkit.web.users.models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class IdConverter:
    """A record id in an API path (``{id:account_id}``): digits up to 2^63 − 1. A
    larger number matches no route (404): SQLite cannot even compare it (issue 17)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


class BearerToken(HttpBearer):
    """A token acts as its user; an expired or revoked one is unknown (401), a read-only
    one refuses every method but reading (403, issue 17)."""

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.find(token)
        if found is None:
            return None
        if found.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied(
                f"the token {found.prefix}… is read-only: it may only read (GET)"
            )
        request.user = found.user
        return found.user


class Session(APIKeyCookie):
    """The browser session; unsafe methods need the CSRF token (django-ninja checks it)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated and user.is_active else None


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, in words."},
        "errors": {
            "type": "array",
            "description": "For invalid input: each field and its problem.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
        "current_version": {
            "type": "integer",
            "description": "On 409 for a stale edit: the record's version now.",
        },
    },
    "required": ["detail"],
}
ERRORS = {
    "400": "The request could not be read (e.g. malformed JSON).",
    "401": "No valid session or token (an expired or revoked token included).",
    "403": "Not allowed for this user or token (a read-only token writes nothing).",
    "404": "No such record that this user may see.",
    "405": "The method is not offered here.",
    "409": "Changed meanwhile (version check) or in conflict with the record's state.",
    "413": "The body is larger than the server accepts.",
    "422": "Invalid input: the fields and their problems.",
}


class KamkitAPI(NinjaAPI):
    """django-ninja with every operation's error answers documented (issue 17): they
    all share one shape, ``{"detail": …, "errors": [{"field", "message"}]}``."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, built once per prefix (about 0.2 s each time: the API docs page and
        every client that reads ``openapi.json`` waited for it); each caller gets a copy."""
        key = (path_prefix, repr(sorted((path_params or {}).items())))
        built = self.__dict__.setdefault("_schemas", {})
        if key not in built:
            built[key] = self._schema(path_prefix, path_params)
        return copy.deepcopy(built[key])

    def _schema(self, path_prefix, path_params):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for code, why in ERRORS.items():
                    if code == "413" and method not in ("post", "put", "patch"):
                        continue
                    responses.setdefault(code, {"description": why, "content": ref})
        return schema


api = KamkitAPI(
    title="kamkit API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), Session(csrf=True)],
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    errors = []
    for e in exc.errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc) or "(request)", "message": e.get("msg", "invalid")})
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


@api.exception_handler(StaleVersion)
def stale_version(request: HttpRequest, exc: StaleVersion):
    return api.create_response(
        request, {"detail": str(exc), "current_version": exc.current}, status=409
    )


# what the services raise, answered the same way by every endpoint (issue 15): endpoints
# call a service and leave the translation to these handlers
@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(RecordError)
def record_error(request: HttpRequest, exc: RecordError):
    errors = [
        {"field": field, "message": " ".join(str(m) for m in messages)}
        for field, messages in exc.message_dict.items()
    ]
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Conflict):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": "authentication required"}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    body = {"detail": str(exc)}
    if getattr(exc, "errors", None):
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status_code)


from kamkit.web.accounts.api import internal_units_router  # noqa: E402
from kamkit.web.accounts.api import router as accounts_router  # noqa: E402
from kamkit.web.assessment.api import accounts_router as assessment_router  # noqa: E402
from kamkit.web.assessment.api import portfolio_router  # noqa: E402
from kamkit.web.diagnosis.api import router as diagnosis_router  # noqa: E402
from kamkit.web.relationships.api import router as relationships_router  # noqa: E402
from kamkit.web.search.api import router as search_router  # noqa: E402
from kamkit.web.today.api import router as today_router  # noqa: E402

api.add_router("/accounts", accounts_router)
api.add_router("/accounts", relationships_router)
api.add_router("/accounts", assessment_router)
api.add_router("/portfolio", portfolio_router)
api.add_router("/diagnosis", diagnosis_router)
api.add_router("/internal-units", internal_units_router)
api.add_router("/search", search_router)
api.add_router("/today", today_router)
