"""The field types every configuration and request shares: ids, free text, exact
numbers, JSON read strictly, and pydantic's errors turned into the project's one error
shape."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import ErrorDetails

from zengzhi.core.amounts import DECIMAL, canonical_text, decimal_text, is_decimal
from zengzhi.core.days import time_zone
from zengzhi.core.errors import DomainError, ErrorCode, invalid

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
# An event's own id, and a field naming another event (the order a reversal undoes, the
# withdrawal a payout settles, the day a part belongs to): the service names an event by
# its kind and the request's ids ("order:<order id>", "task:<zone>:<member>:<day>"), each
# id up to 128 characters, so an event id may be longer than an id (the events table
# keeps 300).
EVENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,299}$"
# A user's name: it is a part of the console's addresses (/console/users/{name}/role), so
# it begins with a letter or a digit: a user named ".." made the page's forms post to
# /console/role, and that user could not be managed there (the fuzzer's find)
USERNAME = r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$"
EventId = Annotated[str, Field(pattern=EVENT_ID_PATTERN)]


def printable(value: str) -> str:
    """Free text may be any language and span lines, but holds no other control
    characters (a NUL breaks databases)."""
    if any(
        (ord(character) < 32 and character not in "\t\n\r") or 127 <= ord(character) < 160
        for character in value
    ):
        raise invalid("text", "must not contain control characters")
    return value


# What `printable` takes, as /openapi.json says it (the description said any string, and a
# client or fuzzer sent control characters as valid).
PRINTABLE = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def _text(length: int, pattern: str = PRINTABLE) -> Any:
    return Field(max_length=length, json_schema_extra={"pattern": pattern})


# A name people read on the console, the member page or an export (a member's, a
# product's, a pool's, an API key's…) is one line of visible text: besides the control
# characters `printable` refuses, it holds no line break or tab, and no format character
# (Unicode category Cf): the bidirectional controls (U+202A–U+202E, U+2066–U+2069,
# U+200E, U+200F, U+061C), which reorder what is shown after them (U+202E before "gnp.exe"
# shows "exe.png"), zero-width spaces and joiners, invisible tags (U+E0000–U+E007F), nor a line
# or paragraph separator (Zl, Zp) or a lone surrogate (Cs).
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# A name read back as it was stored (a view made from a kept row, the settings as
# kept): validated with this context, checked as `printable` only, so that a name taken
# before this rule is still shown, and refused only when it is sent again.
STORED: dict[str, bool] = {"stored": True}


# What a note (a reason, a remark) keeps beside the visible characters: its line breaks
# and tabs, which `printable` takes too. Any other hidden character is refused as in a
# name: a bidirectional control in a withdrawal's rejection reason reorders what the
# audit log and the member's page show after it.
LINE_BREAKS = "\t\n\r"


def hidden(character: str) -> bool:
    """A character a name people read may not hold (`_HIDDEN`)."""
    return unicodedata.category(character) in _HIDDEN


def one_line(value: str, keep: str = "") -> str:
    """One line of visible characters (refused naming the first hidden one, as U+XXXX);
    the characters of `keep` (a note's LINE_BREAKS) are taken."""
    for character in value:
        if hidden(character) and character not in keep:
            raise invalid(
                "text",
                "must not contain control or invisible format characters"
                f" (found U+{ord(character):04X})",
            )
    return value


def visible(value: str, info: ValidationInfo) -> str:
    """A name as `Label`, `Region` and `Shown` take it: `one_line`, but read back with
    the STORED context, `printable`."""
    if isinstance(info.context, dict) and info.context.get("stored"):
        return printable(value)
    return one_line(value)


def noted(value: str, info: ValidationInfo) -> str:
    """A note as `Note` takes it: visible characters and line breaks (`one_line` keeping
    LINE_BREAKS); read back with the STORED context, `printable`."""
    if isinstance(info.context, dict) and info.context.get("stored"):
        return printable(value)
    return one_line(value, keep=LINE_BREAKS)


def _class(codes: list[int]) -> str:
    """A regular expression's character class of `codes` (sorted), in ranges."""
    parts, start = [], None
    for n, code in enumerate(codes):
        if start is None:
            start = code
        if n + 1 < len(codes) and codes[n + 1] == code + 1:
            continue
        parts.append(f"\\u{start:04x}" if start == code else f"\\u{start:04x}-\\u{code:04x}")
        start = None
    return "".join(parts)


# What `visible` takes, as /openapi.json says it: the hidden characters of the Basic
# Multilingual Plane (a pattern's \u escapes reach no further; the tags and the few
# format characters beyond it are refused too, and lone surrogates, which JSON
# Schema's UTF-16 patterns cannot name apart from the halves of an emoji).
def _hidden_class(keep: str = "") -> str:
    return _class(
        [
            code
            for code in range(0x10000)
            if unicodedata.category(chr(code)) in _HIDDEN - {"Cs"} and chr(code) not in keep
        ]
    )


VISIBLE = "^[^" + _hidden_class() + "]*$"
# What `noted` takes, as /openapi.json says it: VISIBLE with the line breaks.
NOTED = "^[^" + _hidden_class(LINE_BREAKS) + "]*$"

# Free-text fields, by length. `Label`, `Region` and `Shown` are names people read
# (`visible`); `Name` is any single text (a proof, a region of the engine's configuration, a
# password), `Note` a text people read that may span lines (a reason: `noted`).
# `LoggedNote` is a note as an event line carries it, `printable` only: a tenant's event
# log kept before notes refused format characters is still read (store/event_log.py reads
# it through engine/wire.py); what enters the service was a `Note` at its field.
Region = Annotated[str, _text(64, VISIBLE), AfterValidator(visible)]
Label = Annotated[str, _text(100, VISIBLE), AfterValidator(visible)]
Shown = Annotated[str, _text(200, VISIBLE), AfterValidator(visible)]
Name = Annotated[str, _text(200), AfterValidator(printable)]
Note = Annotated[str, _text(500, NOTED), AfterValidator(noted)]
LoggedNote = Annotated[str, _text(500), AfterValidator(printable)]
# `Shown` as a key of a table (an agents' area, 华南): described without the pattern,
# which would make the table's description `patternProperties`, and the typed client's
# an untyped dict.
ShownKey = Annotated[str, Field(max_length=200), AfterValidator(visible)]


@cache
def _note_adapter() -> TypeAdapter[str]:
    return TypeAdapter(Note)  # built at first use, as the models are (`Strict`)


def checked_note(value: str, field: str = "reason") -> str:
    """A note the service is given as plain text (an order's refund or reversal reason, a
    pool's pause reason, from a console form): checked as a `Note` field is, and refused
    naming `field`."""
    try:
        return _note_adapter().validate_python(value)
    except ValidationError as error:
        raise error_from_validation(error, field) from None


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


def _described(pattern: str) -> WithJsonSchema:
    """What /openapi.json says such a field holds: the description said only "string",
    and a client or fuzzer sent "", "1e3" or "12,50" as valid. No example: one value
    ("12.50") is an amount but no ratio (a pool's mint ratio is below 1)."""
    return WithJsonSchema({"type": "string", "pattern": f"^{pattern}$"})


# An amount, price or ratio: a decimal string in the one plain form (core/amounts.py).
Exact = Annotated[str, BeforeValidator(_decimal), _DUMP, _described(DECIMAL)]
# A decimal a query compares with (a list's filter), spelled as `Exact` is: pydantic's
# own Decimal took 1e3 as 1000 and ٣ (Arabic-Indic) as 3
ExactDecimal = Annotated[Decimal, BeforeValidator(_decimal), _described(DECIMAL)]
ExactOrAll = Annotated[  # points to sell
    str, BeforeValidator(_decimal_or_all), _DUMP, _described(f"(?:{DECIMAL}|all)")
]
ExactOrShare = Annotated[  # or "30%"
    str, BeforeValidator(_decimal_or_share), _DUMP, _described(f"{DECIMAL}%?")
]


WHOLE = "must be a whole number"
TOO_LARGE = "is too large a number"


def _whole(value: object) -> object:
    # pydantic's own int takes true, 1.0, " 15" and "1_000"; a count is a JSON integer,
    # or ASCII digits as a form or an address sends it
    if isinstance(value, bool | float) or (
        isinstance(value, str) and not (value.isascii() and value.isdigit())
    ):
        raise ValueError(WHOLE)
    if not isinstance(value, str):
        return value
    try:
        return int(value)
    except ValueError:  # past the 4,300 digits int() reads: its own words were English
        raise ValueError(TOO_LARGE) from None


# A count (days, seconds, a level, a page): not a boolean, a fraction or another spelling.
# Bounds on one that may be left out go before the check, where the API's description
# shows them: `Annotated[int, Field(ge=1), AS_WHOLE] | None`.
AS_WHOLE = BeforeValidator(_whole)
Whole = Annotated[int, AS_WHOLE]


MOMENT = "must be a date and time such as 2026-01-31T09:30:00+08:00"


def _moment(value: object) -> object:
    # pydantic's own datetime reads a number, or a string of digits, as Unix seconds, or
    # as milliseconds when it is large (1733000000 and 1733000000000 are one moment):
    # a time is written one way, with its date first (a TOML file's own dates pass)
    if isinstance(value, str) and not re.match(r"[0-9]{4}-", value):
        raise ValueError(MOMENT)
    if isinstance(value, bool | int | float):
        raise ValueError(MOMENT)
    return value


# The days a moment may fall on in UTC: a day inside year 1 to 9999 wherever it is seen
# (offsets stay within a day), so that the day it falls on in any time zone exists.
# "9999-12-31T23:59:59+00:00" read, then ended a replay in OverflowError finding its day
# in Asia/Shanghai.
_FIRST_DAY, _LAST_DAY = date(1, 1, 2), date(9999, 12, 30)


def _representable(value: datetime) -> datetime:
    try:
        day = value.astimezone(UTC).date()
    except OverflowError:
        raise ValueError(MOMENT) from None
    if not _FIRST_DAY <= day <= _LAST_DAY:
        raise ValueError(MOMENT)
    return value


# A moment with its offset from UTC ("2026-01-31T09:30:00+08:00"), never a number, on a
# day every time zone has.
Moment = Annotated[AwareDatetime, BeforeValidator(_moment), AfterValidator(_representable)]


FLAG = "must be true or false"


def _flag(value: object) -> object:
    # pydantic's own bool takes 0, 1, 1.0, "yes", "off", "t"…: "real_name_verified":
    # "yes" verified a member. A flag is JSON true or false (a form's checkbox is read
    # into one by the console before it gets here).
    if not isinstance(value, bool):
        raise ValueError(FLAG)
    return value


# A flag: true or false, nothing that pydantic would read as one.
Flag = Annotated[bool, BeforeValidator(_flag)]


def one_of(*known: str) -> AfterValidator:
    """A text that is one of a few values (a list's status filter, a column to sort by),
    refused listing them: a free pattern took a typo ("complete" for "completed") and a
    list answered as if none had it, or it was refused as "not in the form this field
    takes", which says nothing of what it takes. None (left out) passes."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in known:
            raise ValueError(f"must be one of {', '.join(known)}")
        return value

    return AfterValidator(check)


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


def _integer(text: str) -> int | Decimal:
    # int() reads at most 4,300 digits (a guard against quadratic conversions) and
    # json.loads let its ValueError end the whole body, naming no field. An integer that
    # long is no count or amount any field takes: it is read as a Decimal (a JSON number
    # no field takes), and the field that gets it refuses it by name.
    try:
        return int(text)
    except ValueError:
        return Decimal(text)


NOT_UTF8 = "not UTF-8 without a byte-order mark"


def loads_strict(text: str | bytes) -> Any:
    """JSON as everything that enters is read: an object with a key twice is refused,
    naming the key (json.loads would keep the last value); an integer past int()'s
    4,300 digits is read as a Decimal, which its field refuses by name. Bytes are UTF-8
    without a byte-order mark, as JSON between systems is (RFC 8259; json.loads read
    UTF-16 and UTF-32 too, and a BOM). Bad JSON raises json.JSONDecodeError, for the
    caller to word."""
    if isinstance(text, bytes):
        sent = text
        try:
            text = sent.decode("utf-8")
        except UnicodeDecodeError as error:
            shown = sent.decode("utf-8", "replace")
            raise json.JSONDecodeError(NOT_UTF8, shown, error.start) from None
        if text.startswith("\ufeff"):
            raise json.JSONDecodeError(NOT_UTF8, text, 0)
    return json.loads(text, object_pairs_hook=_one_each, parse_int=_integer)


class Strict(BaseModel):
    # built at first use: the CLI starts without building models it does not need
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def error_from_validation(error: ValidationError, prefix: str = "") -> DomainError:
    """The first problem pydantic found, as one DomainError naming its field."""
    return error_from_details(error.errors()[0], prefix)


def errors_from_validation(error: ValidationError, prefix: str = "") -> list[DomainError]:
    """Every problem pydantic found, each a DomainError naming its field (a form flags
    each bad field at once); a field left empty that must be filled "is required". An
    entry of a list or a key of a table is named by its value under the field that holds
    them (`members.'x y'`): a form gives a list of ids as one text, where an index names
    nothing."""
    found: dict[tuple[str | int, ...], DomainError] = {}
    for details in error.errors():
        location = tuple(details["loc"])
        if location in found:
            continue
        problem = error_from_details(details, prefix)
        if details.get("input") == "":  # a field left empty: not "'' is not a decimal"
            problem.message = "is required"
        entry = location[:-1] if location[-1:] == ("[key]",) else location
        if (entry and isinstance(entry[-1], int)) or entry != location:
            # the holder's name, then the entry by its value: "members.'x y'"
            named = [*([prefix] if prefix else []), *map(str, entry[:-1])]
            named.append(value_shown(details["input"]))
            problem = DomainError(problem.code, problem.message, ".".join(named))
        found[location] = problem
    return list(found.values())


def value_shown(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "…"


ID_RULE = "must be 1 to 128 letters, digits or _.:@- and start with a letter or digit"
EVENT_ID_RULE = "must be 1 to 300 letters, digits or _.:@- and start with a letter or digit"
# What a value that does not match a field's pattern must look like, by the pattern; a
# pattern not named here is said in general words.
PATTERN_SAYS = {
    ID_PATTERN: ID_RULE,
    EVENT_ID_PATTERN: EVENT_ID_RULE,
    r"^\+?[0-9 -]{3,32}$": (
        "must be a phone number: 3 to 32 digits, spaces or -, after an optional +"
    ),
    r"^(?:\+?[0-9 -]{3,32})?$": (
        "must be a phone number (3 to 32 digits, spaces or -, after an optional +),"
        " or empty to remove it"
    ),
    USERNAME: "must be letters, digits or _.@-, beginning with a letter or a digit",
    r"^https?://[^\s]*\{member\}[^\s]*$": (
        "must be an address starting with http:// or https:// that holds {member}"
    ),
    # a webhook's event types (service/webhooks.py EventPattern)
    r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$": (
        "must be an event type in lower-case English, such as order.completed, withdrawal.* or *"
    ),
}

# pydantic's error types in the project's sentences, which zh.toml's [message] table
# gives in Chinese: pydantic's own English ("Input should be a valid integer") would
# reach a Chinese page as it is. A value from the error's context is named in braces.
# A type not listed here is said in general words ("is not valid"), never pydantic's.
PYDANTIC_SAYS = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "string_too_short": "must be at least {min_length} characters",
    "string_too_long": "must be at most {max_length} characters",
    "too_short": "has too few items: at least {min_length}",
    "too_long": "has too many items: at most {max_length}",
    "greater_than": "must be more than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "multiple_of": "must be a multiple of {multiple_of}",
    "int_type": WHOLE,
    "int_parsing": WHOLE,
    "int_parsing_size": WHOLE,
    "int_from_float": WHOLE,
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "decimal_type": "must be a number",
    "decimal_parsing": "must be a number",
    "finite_number": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "string_unicode": "must be text",
    "literal_error": "must be one of {expected}",
    "enum": "must be one of {expected}",
    "datetime_type": "must be a date and time such as 2026-01-31T09:30:00+08:00",
    "datetime_parsing": "must be a date and time such as 2026-01-31T09:30:00+08:00",
    "datetime_from_date_parsing": "must be a date and time such as 2026-01-31T09:30:00+08:00",
    "timezone_aware": "must give its offset from UTC, such as +08:00",
    "date_type": "must be a day such as 2026-01-31",
    "date_parsing": "must be a day such as 2026-01-31",
    "date_from_datetime_parsing": "must be a day such as 2026-01-31",
    "date_from_datetime_inexact": "must be a day such as 2026-01-31",
    "date_past": "must be a day in the past",
    "date_future": "must be a day in the future",
    "datetime_object_invalid": "must be a date and time such as 2026-01-31T09:30:00+08:00",
    "datetime_past": "must be a time in the past",
    "datetime_future": "must be a time in the future",
    "timezone_naive": "must not give an offset from UTC",
    "time_type": "must be a time of day such as 09:30",
    "time_parsing": "must be a time of day such as 09:30",
    "url_syntax_violation": "must be a web address such as https://shop.example/",
    "none_required": "must be left empty",
    "decimal_max_digits": "has too many digits",
    "decimal_max_places": "must have at most {decimal_places} decimal places",
    "decimal_whole_digits": "has too many digits",
    "uuid_type": "must be a UUID",
    "uuid_parsing": "must be a UUID",
    "uuid_version": "must be a UUID",
    "frozen_field": "cannot be changed",
    "union_tag_invalid": "is not one of the kinds this field takes",
    "union_tag_not_found": "is not one of the kinds this field takes",
    "url_type": "must be a web address such as https://shop.example/",
    "url_parsing": "must be a web address such as https://shop.example/",
    "url_scheme": "must be a web address such as https://shop.example/",
    "url_too_long": "must be at most {max_length} characters",
    "url_credentials": (
        "must not hold a user or a password (user:password@): what is sent is signed"
        " with its secret instead"
    ),
    "url_port": "must not use port 0",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "set_type": "must be a list",
    "dict_type": "must be a table of names and values",
    "mapping_type": "must be a table of names and values",
    "iterable_type": "must be a list",
    "frozen_set_type": "must be a list",
    "json_type": "is not valid JSON",
    "model_type": "must be a table of names and values",
    "model_attributes_type": "must be a table of names and values",
    "json_invalid": "is not valid JSON",
}
NOT_VALID = "is not valid"


def pydantic_message(details: ErrorDetails) -> str:
    """What a problem pydantic found says, in the project's words (PYDANTIC_SAYS)."""
    kind = details["type"]
    ctx = details.get("ctx") or {}
    inner = ctx.get("error")
    if isinstance(inner, DomainError):
        return inner.message
    if kind in ("value_error", "assertion_error") and isinstance(inner, Exception):
        return str(inner)  # a validator's own sentence, catalogued like a DomainError's
    if kind == "string_pattern_mismatch":
        return PATTERN_SAYS.get(str(ctx.get("pattern")), "is not in the form this field takes")
    if kind in ("too_short", "too_long") and isinstance(details.get("input"), str):
        kind = f"string_{kind}"  # a secret's length (SecretStr) is said as text's
    sentence = PYDANTIC_SAYS.get(kind)
    if sentence is None:
        return NOT_VALID
    # "'zh' or 'en'" → "'zh', 'en'": the values only, with no English between them
    values = {k: str(v).replace(" or ", ", ") for k, v in ctx.items()}
    try:
        return sentence.format(**values)
    except (KeyError, IndexError):
        return NOT_VALID


def located(details: ErrorDetails) -> list[str]:
    """Where pydantic found a problem, as the field's parts; a table's key refused is
    named by its value shown (`agents.areas.'华\\u200b南'`), not pydantic's "<the key as it
    is>.[key]", whose hidden character no one saw."""
    location = [str(part) for part in details["loc"]]
    if location[-1:] == ["[key]"]:
        location[-2:] = [value_shown(details["input"])]
    return location


def named_inside(details: ErrorDetails, where: str) -> str:
    """The field a model's own check named (a DomainError raised in a validator), when
    it is inside `where`, the field pydantic located ("" at the body's root); else
    `where`."""
    inner = (details.get("ctx") or {}).get("error")
    named = inner.field if isinstance(inner, DomainError) else None
    if named and (not where or named.startswith(f"{where}.")):
        return named
    return where


def error_from_details(first: ErrorDetails, prefix: str = "") -> DomainError:
    location = located(first)
    where = ".".join(location)
    field = where or "body"
    if prefix:
        field = f"{prefix}.{field}" if field != "body" else prefix
    message = pydantic_message(first)
    inner = (first.get("ctx") or {}).get("error")
    if isinstance(inner, DomainError) and inner.field:
        if not where:  # the body's own check (a model validator's) names its field
            field = f"{prefix}.{inner.field}" if prefix else inner.field
        elif inner.field.startswith(f"{field}."):
            field = inner.field  # a model's own check names the field inside it
        elif prefix and where and inner.field.startswith(f"{where}."):
            field = f"{prefix}.{inner.field}"  # …written from the model's root, not the prefix
    return DomainError(ErrorCode.INVALID, message, field)
