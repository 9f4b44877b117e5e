"""pydantic's problems in the project's words (engine/fields.py): each error type a model
can raise has a sentence, and each sentence its Chinese, so a Chinese page never shows
pydantic's English ("Input should be a valid integer")."""

from __future__ import annotations

import re
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    assert problems["names"] == "is too long: at most 1"
    assert problems["extra"] == "is not a known field"
    for field, message in problems.items():
        assert not re.search(r"Input should|String should|Value error", message), field
        assert CHINESE.search(Translator("zh").message(message)), (field, message)
    with pytest.raises(ValidationError) as low:
        Everything.model_validate({**BAD, "count": "-1"})
    assert {p.field: p.message for p in errors_from_validation(low.value)}["count"] == (
        "must be at least 0"
    )
