"""The field types every configuration and request shares: ids, free text, exact
numbers, JSON read strictly, and pydantic's errors turned into the project's one error
shape."""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    ValidationError,
)
from pydantic_core import ErrorDetails

from zengzhi.core.amounts import canonical_text, decimal_text, is_decimal
from zengzhi.core.days import time_zone
from zengzhi.core.errors import DomainError, ErrorCode, invalid

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]


def printable(value: str) -> str:
    """Free text may be any language and span lines, but holds no other control
    characters (a NUL breaks databases)."""
    if any(
        (ord(character) < 32 and character not in "\t\n\r") or 127 <= ord(character) < 160
        for character in value
    ):
        raise invalid("text", "must not contain control characters")
    return value


# Free-text fields, by length.
Region = Annotated[str, Field(max_length=64), AfterValidator(printable)]
Label = Annotated[str, Field(max_length=100), AfterValidator(printable)]
Name = Annotated[str, Field(max_length=200), AfterValidator(printable)]
Note = Annotated[str, Field(max_length=500), AfterValidator(printable)]


def _not_blank(value: str) -> str:
    # ten spaces pass a length check but are no secret: the length counts the rest
    if len(value.strip()) < 10:
        raise ValueError("must hold at least 10 characters other than spaces")
    return value


# A password being set (for a tenant's owner, a console user, by the CLI's reset).
NewPassword = Annotated[Name, Field(min_length=10), AfterValidator(_not_blank)]


def _known_zone(value: str) -> str:
    time_zone(value)
    return value


# An IANA time zone name; the tenant's days turn at its midnight (core/days.py).
Timezone = Annotated[str, Field(max_length=64), AfterValidator(_known_zone)]


def _decimal(value: object) -> str:
    # A JSON or TOML number is refused: a float would round, and one form is one rule.
    # The field's own places (yuan 2, points 4) are checked where it is parsed.
    return decimal_text(value, "value")


def _decimal_or_all(value: object) -> str:
    return value if value == "all" else _decimal(value)


def _decimal_or_share(value: object) -> str:
    if isinstance(value, str) and value.endswith("%") and is_decimal(value[:-1]):
        return value
    return _decimal(value)


CANONICAL = {"canonical": True}  # a dump's context: decimals in one spelling


def _canonical(text: str, info: SerializationInfo) -> str:
    return canonical_text(text) if (info.context or {}).get("canonical") else text


_DUMP = PlainSerializer(_canonical, return_type=str)

# An amount, price or ratio: a decimal string in the one plain form (core/amounts.py).
Exact = Annotated[str, BeforeValidator(_decimal), _DUMP]
ExactOrAll = Annotated[str, BeforeValidator(_decimal_or_all), _DUMP]  # points to sell
ExactOrShare = Annotated[str, BeforeValidator(_decimal_or_share), _DUMP]  # or "30%"


def canonical(model: BaseModel, **options: Any) -> dict[str, Any]:
    """The model as JSON data with each decimal in one spelling ("10.00" and "10" are
    "10"): what two requests or events are compared by, for idempotency."""
    return model.model_dump(mode="json", context=CANONICAL, **options)


def _one_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):
        keys = [key for key, _ in pairs]
        twice = next(key for n, key in enumerate(keys) if key in keys[:n])
        raise invalid(twice, "is given twice in one object")
    return found


def loads_strict(text: str | bytes) -> Any:
    """JSON as everything that enters is read: an object with a key twice is refused,
    naming the key (json.loads would keep the last value). Bad JSON raises
    json.JSONDecodeError, for the caller to word."""
    return json.loads(text, object_pairs_hook=_one_each)


class Strict(BaseModel):
    # built at first use: the CLI starts without building models it does not need
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def error_from_validation(error: ValidationError, prefix: str = "") -> DomainError:
    """The first problem pydantic found, as one DomainError naming its field."""
    return error_from_details(error.errors()[0], prefix)


def error_from_details(first: ErrorDetails, prefix: str = "") -> DomainError:
    location = [str(part) for part in first["loc"]]
    field = ".".join(location) or "body"
    if prefix:
        field = f"{prefix}.{field}" if field != "body" else prefix
    message = first["msg"]
    if first["type"] == "missing":
        message = "is required"
    elif first["type"] == "extra_forbidden":
        message = "is not a known field"
    elif first["type"] == "string_pattern_mismatch":
        message = "must be 1 to 128 letters, digits or _.:@- and start with a letter or digit"
    ctx = first.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, DomainError):
        message = inner.message
        if inner.field and inner.field.startswith(f"{field}."):
            field = inner.field  # a model's own check names the field inside it
    return DomainError(ErrorCode.INVALID, message, field)
