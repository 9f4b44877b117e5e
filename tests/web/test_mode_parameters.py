"""Every parameter of every companion mode has its words in both languages: what it
means and how it is written (the zone form's reference and templates,
web/console/mode_help.py), and the parameters the form lists are the modes' own: those
of each mode's params dataclass (rules/modes/*.py), at the defaults it has."""

from __future__ import annotations

import dataclasses
import re
import typing

import pytest

from zengzhi.engine.config import read_toml
from zengzhi.engine.zones import parse_zone
from zengzhi.i18n import Translator, catalogue
from zengzhi.rules.modes.common import MODES, Terms
from zengzhi.rules.modes.zone import ZoneModes
from zengzhi.web.console import mode_help
from zengzhi.web.console.config import _toml, _toml_value

TERMS = tuple(Terms._fields)  # period, funding, backed: written starts, ends, funding, backed


def params_class(mode: str) -> type:
    hint = typing.get_type_hints(ZoneModes)[mode]
    [found] = [one for one in typing.get_args(hint) if one is not type(None)]
    return typing.cast(type, found)


@pytest.mark.parametrize("mode", MODES)
def test_the_form_lists_each_modes_params_at_their_defaults(mode: str) -> None:
    listed = list(mode_help.defaults(mode))
    fields = [f.name for f in dataclasses.fields(params_class(mode)) if f.name != "terms"]
    assert sorted(listed) == sorted(["starts", "ends", "funding", "backed", *fields])
    assert getattr(parse_zone({mode: {}}), mode) == params_class(mode)()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", MODES)
def test_every_parameter_has_its_words_in_both_languages(mode: str, language: str) -> None:
    t = Translator(language)
    words = catalogue(language)
    for key in mode_help.defaults(mode):
        means = mode_help.means_key(mode, key, t)
        assert means in words and words[means].strip(), (mode, key)
        form = mode_help.form(mode, key, t)
        assert form and "mode_form." not in form, (mode, key, form)
    assert f"mode_name.{mode}" in words


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_template_is_every_parameter_at_its_default_and_its_comments_are_ignored(
    language: str,
) -> None:
    t = Translator(language)
    for guide in mode_help.guide(t, _toml, _toml_value):
        lines = guide.template.splitlines()
        assert lines[0] == f"[{guide.mode}]  # {t(f'mode_name.{guide.mode}')}"
        for parameter in guide.parameters:  # each parameter a line, with what it means
            key = re.compile(rf"(# )?{parameter.key}( =|:) ")
            [line] = [one for one in lines if key.match(one)]
            if parameter.default is None:
                assert line == f"# {parameter.key}: {parameter.means}"
            else:
                assert line == f"{parameter.key} = {parameter.default}  # {parameter.means}"
        written = {k: v for k, v in mode_help.defaults(guide.mode).items() if v is not None}
        assert read_toml(guide.template) == {guide.mode: written}  # comments read as nothing
