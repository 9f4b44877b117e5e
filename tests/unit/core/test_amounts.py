from decimal import Decimal

import pytest

from zengzhi.core.amounts import Points, Price, Ratio, Yuan
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
    with pytest.raises(DomainError, match="float"):
        Yuan(bad)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="float"):
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
        (" 12.5 ", 1250),
        ("-0.01", -1),
        ("1.000", 100),
        ("1e2", 10000),
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
    with pytest.raises(DomainError, match="not a number"):
        Yuan("1.2.3")
