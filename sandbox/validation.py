"""Request-body validation with the official request schemas (trimmed copy, see build_schemas.py)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

SCHEMAS_FILE = Path(__file__).resolve().parent / "request_schemas.json"

# jsonschema keyword -> the `code` enum of the spec's 400 body (openapi_parser error classes).
CODES = {
    "additionalProperties": "NotExistPropertyDefinition",
    "required": "NotExistRequiredKey",
    "enum": "NotEnumInclude",
    "pattern": "InvalidPattern",
    "minItems": "LessThanMinItems",
    "maxItems": "MoreThanMaxItems",
    "minimum": "LessThanMinimum",
    "maximum": "MoreThanMaximum",
    "minLength": "LessThanMinLength",
    "maxLength": "MoreThanMaxLength",
    "anyOf": "NotAnyOf",
    "oneOf": "NotOneOf",
}


@cache
def _validators() -> dict[str, Draft202012Validator]:
    data = json.loads(SCHEMAS_FILE.read_text())
    checker = FormatChecker(formats=["date", "email"])
    validators = {}
    for operation_id, entry in data["operations"].items():
        schema = {**entry["schema"], "$defs": data["$defs"]}
        validators[operation_id] = Draft202012Validator(schema, format_checker=checker)
    return validators


def _code(error: ValidationError) -> str:
    if error.validator == "format":
        return {"date": "InvalidDateFormat", "email": "InvalidEmailFormat"}.get(
            str(error.validator_value), "ValidateError"
        )
    return CODES.get(str(error.validator), "ValidateError")


def _relevance(error: ValidationError) -> tuple[int, int]:
    # Prefer the deepest error; among equals, an unknown property over a type mismatch.
    return (len(error.absolute_path), 1 if error.validator == "additionalProperties" else 0)


def _pick(errors: list[ValidationError]) -> ValidationError | None:
    """The most telling error: inside anyOf/oneOf, follow the branch that failed least."""
    candidates = []
    for error in errors:
        if error.context:
            branches: dict[Any, list[ValidationError]] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            closest = min(branches.values(), key=len)
            picked = _pick(closest)
            candidates.append(picked or error)
        else:
            candidates.append(error)
    return max(candidates, key=_relevance, default=None)


def validate_body(operation_id: str, body: Any) -> dict[str, str] | None:
    """None when valid, else the 400 body ``{"message", "field", "code"}``."""
    validator = _validators().get(operation_id)
    if validator is None:
        return None
    error = _pick(list(validator.iter_errors(body)))
    if error is None:
        return None
    field = "/".join(str(part) for part in error.absolute_path)
    message = error.message
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - allowed)
        field = "/".join([field, unknown[0]]) if field and unknown else (unknown[0] if unknown else field)
        message = f"#/{field} is not defined in the schema (additionalProperties: false)"
    return {"message": message, "field": f"#/{field}", "code": _code(error)}
