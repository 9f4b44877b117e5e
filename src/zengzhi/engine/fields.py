"""The field types every configuration and request shares: ids, free text, exact
numbers, and pydantic's errors turned into the project's one error shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from zengzhi.core.amounts import to_decimal
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


def _known_zone(value: str) -> str:
    time_zone(value)
    return value


# An IANA time zone name; the tenant's days turn at its midnight (core/days.py).
Timezone = Annotated[str, Field(max_length=64), AfterValidator(_known_zone)]


def _exact(value: object) -> object:
    # Refuse floats before pydantic would accept them as decimals.
    if isinstance(value, float | bool):
        return to_decimal(value, "value")
    return value


Exact = Annotated[str | int | Decimal, BeforeValidator(_exact)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
