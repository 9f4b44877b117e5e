import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.numbers import BAD_TEXTS, NOT_A_DECIMAL, NOT_A_STRING
from zengzhi.core.amounts import (
    DECIMAL,
    Points,
    Price,
    Ratio,
    Yuan,
    canonical_text,
    decimal_text,
    is_decimal,
)
from zengzhi.core.errors import DomainError


def test_yuan_is_exact_fen() -> None:
    assert Yuan("1000.00").minor == 100_000
    assert Yuan(Decimal("0.1")) + Yuan("0.2") == Yuan("0.30")
    assert str(Yuan("-12.5")) == "-12.50"
    assert Yuan(3).decimal == Decimal("3.00")


def test_points_have_four_places() -> None:
    assert Points("147").minor == 1_470_000
    assert str(Points.of_minor(1_249_500)) == "124.9500"


@pytest.mark.parametrize("bad", [0.1, 1.0, float("nan")])
def test_a_float_is_refused(bad: float) -> None:
    with pytest.raises(DomainError, match=re.escape(NOT_A_STRING)):
        Yuan(bad)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match=re.escape(NOT_A_STRING)):
        Ratio(bad)  # type: ignore[arg-type]


def test_more_places_than_the_scale_is_refused_not_rounded() -> None:
    with pytest.raises(DomainError, match="more than 2 decimal places") as error:
        Yuan("1.005", "amount")
    assert error.value.field == "amount"
    with pytest.raises(DomainError, match="more than 4 decimal places"):
        Points("0.00001")


@pytest.mark.parametrize("bad", ["", "abc", "1e", "NaN", "Infinity", True, None])
def test_non_numbers_are_refused(bad: object) -> None:
    with pytest.raises(DomainError):
        Yuan(bad)  # type: ignore[arg-type]


def test_floor_rounds_toward_the_pool() -> None:
    assert Yuan.floor(Decimal("197.6499")) == Yuan("197.64")
    assert Points.floor(Decimal("-0.00001")) == Points("-0.0001")


def test_yuan_and_points_do_not_mix() -> None:
    with pytest.raises(TypeError):
        Yuan("1") + Points("1")  # type: ignore[operator]
    assert Yuan("1") != Points("1")


def test_ratio_is_an_exact_fraction() -> None:
    ratio = Ratio("0.70")
    assert (ratio.num, ratio.den) == (7, 10)
    assert str(ratio) == "0.7"
    assert ratio.of_minor_floor(999) == 699
    assert Ratio("0.2").complement_floor(24705) == 19764
    with pytest.raises(DomainError, match="negative"):
        Ratio("-0.1")


def test_price_is_exact_and_prints_four_places() -> None:
    price = Price(30_000, 2_100_000)  # 300.00 yuan over 210 points
    assert str(price) == "1.4286"
    assert price == Price(10, 700)  # the same ratio, written smaller
    assert Price.of_yuan("1.00") == Price(1, 100)
    assert Price(1, 100).points_floor(21_000) == 2_100_000  # 210 yuan buy 210 points
    assert Price(30_000, 2_100_000) < Price(60_000, 3_570_000)
    with pytest.raises(DomainError):
        Price.of_yuan("0")


def test_immutable() -> None:
    with pytest.raises(AttributeError):
        Yuan("1").minor = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("-0.01", -1),
        ("0012.30", 1230),
        (Decimal("7.7"), 770),
        (3, 300),
    ],
)
def test_every_exact_spelling_parses_to_the_same_fen(text: object, fen: int) -> None:
    assert Yuan(text).minor == fen  # type: ignore[arg-type]


def test_the_fast_path_refuses_what_the_slow_one_does() -> None:
    with pytest.raises(DomainError, match="more than 2 decimal places"):
        Yuan("1.001")
    with pytest.raises(DomainError, match="is not a decimal"):
        Yuan("1.2.3")
    with pytest.raises(DomainError, match="is not a decimal"):
        Yuan("١٢.٣٤")  # the usual shape, in Arabic-Indic digits: str.isdecimal() takes them


ENTRANCES: list[tuple[str, Callable[[object, str], object]]] = [
    ("Yuan", Yuan),
    ("Points", Points),
    ("Ratio", Ratio),
    ("Price.of_yuan", Price.of_yuan),
    ("decimal_text", decimal_text),
]


@pytest.mark.parametrize("bad", BAD_TEXTS)
@pytest.mark.parametrize(("kind", "parse"), ENTRANCES)
def test_every_form_but_the_plain_one_is_refused_naming_the_field(
    kind: str, parse: Callable[[object, str], object], bad: str
) -> None:
    with pytest.raises(DomainError, match=re.escape(NOT_A_DECIMAL)) as error:
        parse(bad, "some.field")
    assert error.value.field == "some.field"


@pytest.mark.parametrize(
    ("parse", "text", "places"),
    [(Yuan, "1.005", 2), (Yuan, "1.000", 2), (Points, "0.00010", 4), (Ratio, "0." + "1" * 13, 12)],
)
def test_a_place_more_than_the_field_keeps_is_refused_even_a_zero(
    parse: Callable[[object, str], object], text: str, places: int
) -> None:
    with pytest.raises(DomainError, match=f"{places} decimal") as error:
        parse(text, "amount")
    assert error.value.field == "amount"


@given(st.from_regex(DECIMAL, fullmatch=True).filter(lambda text: len(text) < 40))
def test_what_the_grammar_takes_round_trips_exactly(text: str) -> None:
    assert is_decimal(text) and text.isascii()
    number = Decimal(text)
    whole, _, fraction = text.lstrip("-").partition(".")
    small = len(whole.lstrip("0")) <= 12  # under a trillion
    kinds: list[tuple[Callable[[str], object], int]] = [(Yuan, 2), (Points, 4)]
    if number >= 0:
        kinds.append((Ratio, 12))
    for parse, places in kinds:
        if small and len(fraction) <= places:
            parsed = parse(text)
            assert Decimal(str(parsed)) == number  # format(parse(x)) is the same number
            assert parse(str(parsed)) == parsed
        else:
            with pytest.raises(DomainError):
                parse(text)
    canonical = canonical_text(text)
    assert Decimal(canonical) == number and canonical_text(canonical) == canonical


# Digits of other scripts: what Decimal(), int() and str.isdecimal() take besides 0-9.
OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


@given(st.text("0123456789.-", max_size=8), OTHER_DIGITS, st.integers(min_value=0, max_value=8))
def test_a_digit_of_another_script_anywhere_is_refused(text: str, digit: str, at: int) -> None:
    spelled = text[:at] + digit + text[at:]
    assert not is_decimal(spelled)
    with pytest.raises(DomainError, match="is not a decimal"):
        Yuan(spelled)


@given(
    st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,2})?", fullmatch=True),
    st.sampled_from(["+{}", "{}e0", "{}E1", " {}", "{} ", "{}_0", "0x{}", "{}.", ".{}", "--{}"]),
)
def test_the_listed_forms_around_any_plain_number_are_refused(text: str, form: str) -> None:
    with pytest.raises(DomainError, match="is not a decimal"):
        Yuan(form.format(text))


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("10", "10"), ("10.00", "10"), ("010.50", "10.5"), ("-0.00", "0"), ("-1.50", "-1.5")],
)
def test_two_spellings_of_one_number_have_one_canonical_text(text: str, canonical: str) -> None:
    assert canonical_text(text) == canonical
