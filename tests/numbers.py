"""The forms spec 01 ("Numbers on the wire") refuses, shared by the tests of every
entrance (core types, replay lines, API bodies, gateway notifications, configuration
files, the console's forms): each must refuse them all, naming the field."""

from __future__ import annotations

import json

# Strings that Decimal(), int() or str.isdecimal() would take, or that are no number.
BAD_TEXTS = [
    "1_000",
    "１０００",  # full-width
    "١٠٠٠",  # Arabic-Indic
    "+1000",
    ".5",
    "5.",
    "1e3",
    "1E3",
    " 1000 ",
    "1000 ",
    "0x10",
    "Infinity",
    "NaN",
    "--1",
    "1.2.3",
    "",
    "１.５",
]

# JSON numbers, as written in a body or a line: an amount is a string, whole or not.
BAD_NUMBERS = ["1000", "1e3", "10.5"]

TOO_MANY_PLACES = "10.001"  # for a yuan field (2 places)

NOT_A_DECIMAL = 'is not a decimal such as "12.50"'
NOT_A_STRING = 'must be a decimal string such as "12.50"'


def bad_values() -> list[tuple[str, str]]:
    """(the value as JSON text, what the refusal says) for every bad form."""
    return (
        [(json.dumps(text), NOT_A_DECIMAL) for text in BAD_TEXTS]
        + [(number, NOT_A_STRING) for number in BAD_NUMBERS]
        + [(json.dumps(TOO_MANY_PLACES), "more than 2 decimal places")]
    )


def with_value(template: dict[str, object], field: str, value: str) -> str:
    """`template` as JSON with `field` set to `value`, which is JSON text (a number is
    kept as written: json.dumps would print 1e3 as 1000.0)."""
    marker = "__value__"
    return json.dumps({**template, field: marker}).replace(json.dumps(marker), value)
