"""pydantic's problems in the project's words (engine/fields.py): each error type a model
can raise has a sentence, and each sentence its Chinese, so a Chinese page never shows
pydantic's English ("Input should be a valid integer")."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from zengzhi.engine.fields import (
    ID_RULE,
    NOT_VALID,
    PATTERN_SAYS,
    PYDANTIC_SAYS,
    Id,
    NewPassword,
    errors_from_validation,
)
from zengzhi.i18n import Translator

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def sentences() -> list[str]:
    return sorted({*PYDANTIC_SAYS.values(), *PATTERN_SAYS.values(), NOT_VALID})


@pytest.mark.parametrize("sentence", sentences())
def test_each_sentence_has_its_chinese(sentence: str) -> None:
    # a value in braces stands for what pydantic found: one number for all
    said = re.sub(r"\{(?!member\})[a-z_]+\}", "12", sentence)
    assert CHINESE.search(Translator("zh").message(said)), said
    assert Translator("en").message(said) == said


class Everything(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    count: int = Field(ge=0, le=10)
    name: str = Field(max_length=5)
    password: NewPassword
    language: Literal["zh", "en"]
    flag: bool
    names: list[str] = Field(max_length=1)
    phone: Annotated[str, Field(pattern=r"^\+?[0-9 -]{3,32}$")]


BAD = {
    "id": "-x",
    "count": "1e3",
    "name": "x" * 10_000,
    "password": "          x",
    "language": "fr",
    "flag": "maybe",
    "names": ["a", "b"],
    "phone": "abc",
    "extra": 1,
}


def test_every_field_a_model_refuses_is_named_in_words_with_chinese() -> None:
    with pytest.raises(ValidationError) as refused:
        Everything.model_validate(BAD)
    problems = {p.field: p.message for p in errors_from_validation(refused.value)}
    assert sorted(problems) == sorted(BAD)  # every field at once
    assert problems["id"] == ID_RULE
    assert problems["count"] == "must be a whole number"
    assert problems["name"] == "must be at most 5 characters"
    assert problems["password"] == "must hold at least 10 characters other than spaces"
    assert problems["language"] == "must be one of 'zh', 'en'"
    assert problems["names"] == "has too many items: at most 1"
    assert problems["extra"] == "is not a known field"
    for field, message in problems.items():
        assert not re.search(r"Input should|String should|Value error", message), field
        assert CHINESE.search(Translator("zh").message(message)), (field, message)
    with pytest.raises(ValidationError) as low:
        Everything.model_validate({**BAD, "count": "-1"})
    assert {p.field: p.message for p in errors_from_validation(low.value)}["count"] == (
        "must be at least 0"
    )


class Lengths(BaseModel):
    secret: SecretStr = Field(min_length=10, max_length=12)
    lines: list[int] = Field(min_length=2)


def test_a_secret_s_length_is_counted_in_characters_a_list_s_in_items() -> None:
    # pydantic says "too_short" of a SecretStr as of a list; a password form read
    # "太短：至少要有 10 个" (ten of what?)
    with pytest.raises(ValidationError) as short:
        Lengths.model_validate({"secret": "abc", "lines": [1]})
    said = {p.field: p.message for p in errors_from_validation(short.value)}
    assert said == {
        "secret": "must be at least 10 characters",
        "lines": "has too few items: at least 2",
    }
    assert Translator("zh").message(said["secret"]) == "至少 10 个字符"
    assert Translator("zh").message(said["lines"]) == "至少要填 2 项"
    with pytest.raises(ValidationError) as long:
        Lengths.model_validate({"secret": "x" * 13, "lines": [1, 2]})
    assert [p.message for p in errors_from_validation(long.value)] == [
        "must be at most 12 characters"
    ]
