"""What every API v2 endpoint shares: bearer auth, scopes, body validation, errors, pagination."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..documents import BusinessError
from ..models import AccessToken, Company, token_hash
from ..validation import validate_body

API_PREFIX = "/api/external/v2"


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message, "status": status}, status=status)


def not_found() -> JsonResponse:
    return error(404, "Not Found")


def unauthorized() -> JsonResponse:
    # Missing, unknown, expired, revoked and rotated-out tokens all look the same.
    return error(401, "The access token is invalid")


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate(request: HttpRequest) -> AccessToken | None:
    raw = bearer_token(request)
    if raw is None:
        return None
    token = AccessToken.objects.select_related("company").filter(access_hash=token_hash(raw)).first()
    if token is None or token.revoked or token.access_expires_at <= timezone.now():
        return None
    return token


@dataclass
class Ctx:
    request: HttpRequest
    token: AccessToken
    company: Company
    body: Any

    @property
    def base(self) -> str:
        return f"{self.request.scheme}://{self.request.get_host()}"

    def url(self, path: str) -> str:
        return f"{self.base}{API_PREFIX}{path}"


@dataclass
class Op:
    func: Callable[..., HttpResponse]
    resource: str | None  # scope resource, e.g. "customers"; None for /me
    write: bool = False
    operation_id: str | None = None  # request body validated against this operation's schema


def endpoint(**ops: Op) -> Callable[..., HttpResponse]:
    """One view per path; ``ops`` maps an HTTP method (GET, POST, PUT) to its operation."""

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        op = ops.get(request.method or "")
        if op is None:
            return not_found()
        token = authenticate(request)
        if token is None:
            return unauthorized()
        if op.resource is not None:
            granted = set(token.scope_list)
            needed = f"{op.resource}:all" if op.write else f"{op.resource}:readonly"
            if f"{op.resource}:all" not in granted and needed not in granted:
                return error(403, f'Access to this resource requires scope "{needed}".')
        body: Any = None
        if request.method in ("POST", "PUT"):
            if request.body.strip():
                try:
                    body = json.loads(request.body)
                except ValueError:
                    return JsonResponse({"message": "The request body is not valid JSON"}, status=400)
            else:
                body = {}
            if op.operation_id:
                problem = validate_body(op.operation_id, body)
                if problem is not None:
                    return JsonResponse(problem, status=400)
        ctx = Ctx(request=request, token=token, company=token.company, body=body)
        try:
            return op.func(ctx, **kwargs)
        except BusinessError as exc:
            return error(exc.status, exc.message)

    return view


def get_or_404(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---- filters and cursor pagination -------------------------------------------------------------

FULL = ("lt", "lteq", "gt", "gteq", "eq", "not_eq", "in", "not_in")
LOOKUPS = {"lt": "lt", "lteq": "lte", "gt": "gt", "gteq": "gte", "eq": "exact", "in": "in"}


@dataclass
class Field:
    operators: tuple[str, ...]
    column: str | None = None  # model lookup; None -> matches nothing (e.g. unused features)
    cast: Callable[[Any], Any] = str
    custom: Callable[[str, Any], Q] | None = None


def as_int(value: Any) -> int:
    return int(value)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1"):
        return True
    if str(value).lower() in ("false", "0"):
        return False
    raise ValueError(value)


def as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value))


class BadRequest(Exception):
    pass


def parse_filter(raw: str | None, fields: dict[str, Field]) -> Q:
    if raw is None or raw == "":
        return Q()
    try:
        conditions = json.loads(raw)
    except ValueError as exc:
        raise BadRequest("The filter parameter must be a valid JSON array") from exc
    if not isinstance(conditions, list):
        raise BadRequest("The filter parameter must be a JSON array")
    query = Q()
    for cond in conditions:
        if not isinstance(cond, dict) or not {"field", "operator", "value"} <= set(cond):
            raise BadRequest("Each filter needs a field, an operator and a value")
        name, operator, value = cond["field"], cond["operator"], cond["value"]
        spec = fields.get(name)
        if spec is None:
            raise BadRequest(f"The field '{name}' is not filterable")
        if operator not in spec.operators:
            raise BadRequest(f"The operator '{operator}' is not supported for the field '{name}'")
        try:
            if operator in ("in", "not_in"):
                if not isinstance(value, list):
                    raise BadRequest(f"The operator '{operator}' expects an array value")
                value = [spec.cast(v) for v in value]
            else:
                value = spec.cast(value)
        except (ValueError, TypeError) as exc:
            raise BadRequest(f"Invalid value for the field '{name}'") from exc
        if spec.custom is not None:
            query &= spec.custom(operator, value)
        elif spec.column is None:
            query &= Q(pk__in=[]) if operator in ("eq", "in", "start_with") else Q()
        elif operator == "start_with":
            query &= Q(**{f"{spec.column}__startswith": value})
        elif operator == "not_eq":
            query &= ~Q(**{spec.column: value})
        elif operator == "not_in":
            query &= ~Q(**{f"{spec.column}__in": value})
        else:
            query &= Q(**{f"{spec.column}__{LOOKUPS[operator]}": value})
    return query


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error) as exc:
        raise BadRequest("Invalid cursor") from exc
    if not isinstance(values, list) or len(values) != 2:
        raise BadRequest("Invalid cursor")
    return values


def parse_limit(request: HttpRequest, maximum: int = 100) -> int:
    raw = request.GET.get("limit")
    if raw is None:
        return 20
    try:
        limit = int(raw)
    except ValueError as exc:
        raise BadRequest("limit must be an integer") from exc
    if not 1 <= limit <= maximum:
        raise BadRequest(f"limit must be between 1 and {maximum}")
    return limit


def paginate(
    ctx: Ctx,
    qs: QuerySet[Any],
    render: Callable[[Any], dict[str, Any]],
    *,
    fields: dict[str, Field] | None = None,
    sorts: tuple[str, ...] = ("id",),
) -> HttpResponse:
    """``{items, has_more, next_cursor}``. The cursor remembers a position only, never the filter."""
    request = ctx.request
    try:
        limit = parse_limit(request)
        if any(key.startswith("filter[") for key in request.GET):
            # Rails parses filter[0][field]=... as a hash; Pennylane wants a JSON string.
            raise BadRequest("The filter's value should be a string, but we received a hash")
        qs = qs.filter(parse_filter(request.GET.get("filter"), fields or {}))
        sort = request.GET.get("sort") or "-id"
        column = sort.lstrip("-")
        if column not in sorts:
            raise BadRequest(f"Sorting on '{column}' is not supported")
        descending = sort.startswith("-")
        cursor = request.GET.get("cursor")
        if cursor:
            value, last_id = decode_cursor(cursor)
            op = "lt" if descending else "gt"
            if column == "id":
                qs = qs.filter(**{f"id__{op}": last_id})
            else:
                qs = qs.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"id__{op}": last_id}))
    except BadRequest as exc:
        return error(400, str(exc))
    prefix = "-" if descending else ""
    rows = list(qs.order_by(f"{prefix}{column}", f"{prefix}id")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last: Model = rows[-1]
        value = getattr(last, column)
        next_cursor = encode_cursor([value.isoformat() if hasattr(value, "isoformat") else value, last.pk])
    return JsonResponse(
        {"items": [render(row) for row in rows], "has_more": has_more, "next_cursor": next_cursor}
    )
