"""Exact quantities: yuan with 2 places, points with 4, ratios and prices as exact fractions.

Inside the engine every amount is an ``int`` of minor units (fen; ten-thousandths of a
point), which keeps hot loops fast and every division exact. These types are the edge:
they parse what people and integrators write (decimal strings in one plain form; from
Python code also ints and Decimals), refuse floats outright, and print.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any, ClassVar, Self

from zengzhi.core.errors import invalid

Exact = str | int | Decimal  # what Python code may pass; from outside, only the str

YUAN_SCALE = 2
POINTS_SCALE = 4
FEN_PER_YUAN = 10**YUAN_SCALE
UNITS_PER_POINT = 10**POINTS_SCALE


# The one way a number is written wherever it enters (spec 01, "Numbers on the wire"):
# ASCII digits, at most one ".", a "-" only in front (a field that must not be negative
# says so itself). Decimal(), int() and str.isdecimal() would also take "+", "_", an
# exponent, spaces and other scripts' digits ("１０", "١٠"): each is refused here instead.
DECIMAL = r"-?[0-9]+(?:\.[0-9]+)?"
_DECIMAL = re.compile(DECIMAL, re.ASCII)
EXAMPLE = '"12.50"'


def is_decimal(text: str) -> bool:
    """Whether `text` is a decimal in the one plain form."""
    return _DECIMAL.fullmatch(text) is not None


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "…"


def _not_text(value: object) -> str:
    """Why a value that is not a string is no amount, for a message."""
    if isinstance(value, bool) or value is None:
        what = {True: "true", False: "false", None: "null"}[value]
    elif isinstance(value, int | float | Decimal):
        number = str(value)  # an integer of thousands of digits is not sent back whole
        what = f"the number {number if len(number) <= 40 else number[:40] + '…'}"
    else:
        what = f"a {type(value).__name__}"
    return f"must be a decimal string such as {EXAMPLE}, not {what}"


def decimal_text(value: object, field: str) -> str:
    """A decimal as it enters from outside: a string, in the one plain form."""
    if not isinstance(value, str):
        raise invalid(field, _not_text(value))
    if _DECIMAL.fullmatch(value) is None:
        raise invalid(field, f"{_shown(value)} is not a decimal such as {EXAMPLE}")
    if value.startswith("-") and not value.strip("-0."):
        # zero has no sign: "-0.00" is kept and shown as "0.00" (a field that must not be
        # negative took it as zero and showed it back signed)
        return value[1:]
    return value


def canonical_text(text: str) -> str:
    """One spelling for each number ("10.00", "010" → "10"; "-0" → "0"), so that two
    spellings of one number are the same content; other text is returned as it is."""
    if _DECIMAL.fullmatch(text) is None:
        return text
    whole, _, fraction = text.lstrip("-").partition(".")
    digits = whole.lstrip("0") or "0"
    if fraction.rstrip("0"):
        digits += "." + fraction.rstrip("0")
    return "-" + digits if text.startswith("-") and digits != "0" else digits


def to_decimal(value: object, field: str) -> Decimal:
    """A finite Decimal from a decimal string, or (from Python code) an int or a Decimal;
    never from a float."""
    if isinstance(value, str):
        return Decimal(decimal_text(value, field))
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise invalid(field, _not_text(value))
    number = Decimal(value)
    if not number.is_finite():
        raise invalid(field, f"{value!r} is not a finite number")
    return number


def decimal_to_minor(number: Decimal, scale: int, field: str) -> int:
    """Exact conversion: refuses digits beyond `scale` instead of rounding them away."""
    scaled = number.scaleb(scale)
    if scaled != scaled.to_integral_value():
        raise invalid(field, f"{number} has more than {scale} decimal places")
    return int(scaled)


# No single amount is a trillion yuan or points or more: past that, input is a mistake
# (and sums of such amounts would not fit the database's 64-bit columns).
LARGEST = 10**12
_LIMITS = {scale: LARGEST * 10**scale for scale in range(9)}
_WHOLE_DIGITS = len(str(LARGEST))


def parse_minor(value: object, scale: int, field: str) -> int:
    """Minor units from exact decimal input (fast for plain strings like "1234.50")."""
    if type(value) is str:
        whole, _, fraction = value.partition(".")
        # the usual form, digits with all the places (isdecimal() alone would take "١")
        if (
            len(fraction) == scale
            and value.isascii()
            and whole.isdecimal()
            and fraction.isdecimal()
        ):
            minor = int(whole + fraction)
            if minor < _LIMITS.get(scale, 0):
                return minor
        minor = _text_to_minor(decimal_text(value, field), scale, field)
    else:
        minor = decimal_to_minor(to_decimal(value, field), scale, field)
    if abs(minor) >= _LIMITS.get(scale, LARGEST * 10**scale):
        raise invalid(field, f"must be less than {LARGEST:,} in size")
    return minor


def _text_to_minor(text: str, scale: int, field: str) -> int:
    """Minor units from a decimal already in the plain form; no more places than `scale`
    (a place more, even a zero, is refused: the field keeps `scale`)."""
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(fraction) > scale:
        raise invalid(field, f"{text} has more than {scale} decimal places")
    whole = whole.lstrip("0")
    if len(whole) > _WHOLE_DIGITS:  # too large, and int() of thousands of digits is slow
        raise invalid(field, f"must be less than {LARGEST:,} in size")
    minor = int((whole or "0") + fraction.ljust(scale, "0"))
    return -minor if text.startswith("-") else minor


def minor_to_decimal(minor: int, scale: int) -> Decimal:
    return Decimal(minor).scaleb(-scale)


def format_minor(minor: int, scale: int) -> str:
    """1234 at scale 2 → "12.34"; exact, no float."""
    if minor < 0:
        return "-" + format_minor(-minor, scale)
    digits = str(minor)
    if len(digits) > scale:
        return f"{digits[:-scale]}.{digits[-scale:]}"
    return "0." + digits.rjust(scale, "0")


def ratio_text(numerator: int, denominator: int, places: int = 4) -> str:
    """numerator ÷ denominator as a decimal rounded down to `places` (reports, not money).
    A positive ratio that `places` would make nothing keeps the places that show it, 4
    more at a time: one exit of 10,977 members is "0.00009109", not "0.0000" (none)."""
    if denominator == 0:
        raise ZeroDivisionError("ratio of nothing")
    scaled = numerator * 10**places // denominator
    while scaled == 0 and numerator * denominator > 0 and places < 24:
        places += 4
        scaled = numerator * 10**places // denominator
    return format_minor(scaled, places) if places else str(scaled)


class Fixed:
    """A fixed-point amount; subclasses set SCALE. Immutable, hashable, ordered."""

    __slots__ = ("minor",)
    SCALE: ClassVar[int]
    minor: int

    def __init__(self, value: Exact, field: str = "amount") -> None:
        object.__setattr__(self, "minor", parse_minor(value, self.SCALE, field))

    @classmethod
    def of_minor(cls, minor: int) -> Self:
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise TypeError(f"{cls.__name__}.of_minor takes an int, not {type(minor).__name__}")
        self = object.__new__(cls)
        object.__setattr__(self, "minor", minor)
        return self

    @classmethod
    def floor(cls, value: Fraction | Decimal | int) -> Self:
        """Round a computed value down to the scale (toward the pool)."""
        return cls.of_minor(int(Fraction(value) * 10**cls.SCALE // 1))

    @property
    def decimal(self) -> Decimal:
        return minor_to_decimal(self.minor, self.SCALE)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __str__(self) -> str:
        return format_minor(self.minor, self.SCALE)

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"

    def __hash__(self) -> int:
        return hash((type(self), self.minor))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.minor == other.minor

    def _same(self, other: object) -> int:
        if type(other) is not type(self):
            raise TypeError(f"cannot combine {type(self).__name__} with {type(other).__name__}")
        return other.minor

    def __lt__(self, other: Self) -> bool:
        return self.minor < self._same(other)

    def __le__(self, other: Self) -> bool:
        return self.minor <= self._same(other)

    def __gt__(self, other: Self) -> bool:
        return self.minor > self._same(other)

    def __ge__(self, other: Self) -> bool:
        return self.minor >= self._same(other)

    def __add__(self, other: Self) -> Self:
        return self.of_minor(self.minor + self._same(other))

    def __sub__(self, other: Self) -> Self:
        return self.of_minor(self.minor - self._same(other))

    def __neg__(self) -> Self:
        return self.of_minor(-self.minor)

    def __bool__(self) -> bool:
        return self.minor != 0


class Yuan(Fixed):
    """Money: yuan with 2 decimal places (int fen inside)."""

    __slots__ = ()
    SCALE = YUAN_SCALE


class Points(Fixed):
    """Points of any kind: 4 decimal places (int ten-thousandths inside)."""

    __slots__ = ()
    SCALE = POINTS_SCALE


class Ratio:
    """An exact non-negative ratio (mint ratio 0.7, fee 0.2, exit multiple 1.2…).

    Kept as an integer fraction so that rules multiply and floor in integers.
    """

    __slots__ = ("den", "fraction", "num", "text")
    num: int
    den: int
    text: str  # printed once: rules put it in every entry they book with it
    fraction: Fraction

    def __init__(self, value: Exact, field: str = "ratio") -> None:
        number = to_decimal(value, field)
        if abs(number) >= LARGEST or number.as_tuple().exponent < -12:  # type: ignore[operator]
            raise invalid(field, "must be less than a trillion, with at most 12 decimals")
        fraction = Fraction(number)
        if fraction < 0:
            raise invalid(field, f"must not be negative, got {value}")
        object.__setattr__(self, "num", fraction.numerator)
        object.__setattr__(self, "den", fraction.denominator)
        object.__setattr__(self, "text", canonical_text(format(number, "f")))
        object.__setattr__(self, "fraction", fraction)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Ratio is immutable")

    @property
    def decimal(self) -> Decimal:
        return (Decimal(self.num) / Decimal(self.den)).normalize()

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Ratio('{self}')"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ratio):
            return NotImplemented
        return self.num == other.num and self.den == other.den

    def __hash__(self) -> int:
        return hash((self.num, self.den))

    def of_minor_floor(self, minor: int) -> int:
        """floor(ratio × minor): a share of an amount, rounded down."""
        return self.num * minor // self.den

    def complement_floor(self, minor: int) -> int:
        """floor((1 − ratio) × minor): what is left after a fee, rounded down."""
        return (self.den - self.num) * minor // self.den


class Price:
    """A point price kept exactly as pool money over circulating points (fen / units).

    Printing rounds half up to 4 places; every comparison and computation is exact.
    """

    __slots__ = ("fen", "units")
    fen: int
    units: int

    def __init__(self, fen: int, units: int) -> None:
        if units <= 0 or fen < 0:
            raise ValueError(f"a price needs positive points and non-negative money: {fen}/{units}")
        object.__setattr__(self, "fen", fen)
        object.__setattr__(self, "units", units)

    @classmethod
    def of_yuan(cls, value: Exact, field: str = "price") -> Price:
        number = to_decimal(value, field)
        if abs(number) >= LARGEST or number.as_tuple().exponent < -12:  # type: ignore[operator]
            raise invalid(field, "must be less than a trillion, with at most 12 decimals")
        fraction = Fraction(number)
        if fraction <= 0:
            raise invalid(field, f"must be greater than 0, got {value}")
        # yuan per point = (fen / 100) / (units / 10_000) = 100 × fen / units
        return cls(fraction.numerator, fraction.denominator * FEN_PER_YUAN)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Price is immutable")

    @property
    def fraction(self) -> Fraction:
        """Yuan per point."""
        return Fraction(self.fen * UNITS_PER_POINT, self.units * FEN_PER_YUAN)

    def yuan(self) -> Decimal:
        """The price in yuan per point as an exact decimal (prices set in decimals are)."""
        with localcontext() as context:
            context.prec = 80
            return (Decimal(self.fen * FEN_PER_YUAN) / Decimal(self.units)).normalize()

    def rounded(self, places: int = 4) -> Decimal:
        fraction = self.fraction
        exact = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    def value_floor(self, units: int) -> int:
        """Fen that `units` points are worth at this price, rounded down."""
        return units * self.fen // self.units

    def points_floor(self, fen: int) -> int:
        """Points units that `fen` buys at this price, rounded down."""
        return fen * self.units // self.fen

    def __str__(self) -> str:
        return str(self.rounded())

    def __repr__(self) -> str:
        return f"Price({self.fen}/{self.units} = {self})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Price):
            return NotImplemented
        return self.fen * other.units == other.fen * self.units

    def __hash__(self) -> int:
        return hash(self.fraction)

    def __lt__(self, other: Price) -> bool:
        return self.fen * other.units < other.fen * self.units

    def __le__(self, other: Price) -> bool:
        return self.fen * other.units <= other.fen * self.units


def percent(fraction: Fraction) -> str:
    """A share as a percentage with one decimal, rounded down: "81.3%"."""
    value = Decimal(fraction.numerator * 100) / Decimal(fraction.denominator)
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_DOWN)}%"
