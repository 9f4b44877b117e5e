"""Every parameter of every part of the distribution settings has its words in both
languages: what it means and how it is written (the distribution page's reference and
templates, web/console/mode_help.py, the zone form's mechanism), and the parameters the
page lists are exactly the models' own (engine/config.py: DistributionConfig and its
parts), at their defaults; each template is its part at its defaults, its comments read
as nothing."""

from __future__ import annotations

import re

import pytest

from zengzhi.engine.config import (
    AgentsConfig,
    CommissionConfig,
    DistributionConfig,
    DividendConfig,
    LimitsConfig,
    RecruiterConfig,
    TeamConfig,
    TeamLevelConfig,
    read_toml,
)
from zengzhi.i18n import Translator, catalogue
from zengzhi.web.console import mode_help
from zengzhi.web.console.config import _distribution_text, _toml_value

MODELS = {
    "commission": CommissionConfig,
    "recruiter": RecruiterConfig,
    "agents": AgentsConfig,
    "team": TeamConfig,
    "team_levels": TeamLevelConfig,
    "dividends": DividendConfig,
    "limits": LimitsConfig,
}


def test_the_parts_are_every_field_of_the_settings() -> None:
    """The general part is DistributionConfig's own keys, each other field a part: a
    field added to the settings is a part the page lists, or this fails."""
    general = list(mode_help.part_defaults("general"))
    parts = [part for part in mode_help.PARTS if part not in ("general", "team_levels")]
    assert sorted(general + parts) == sorted(DistributionConfig.model_fields)
    assert TeamConfig.model_fields["levels"].annotation == list[TeamLevelConfig]


@pytest.mark.parametrize("part", mode_help.PARTS)
def test_the_page_lists_each_parts_fields_at_their_defaults(part: str) -> None:
    listed = mode_help.part_defaults(part)
    if part == "general":
        expected = DistributionConfig().model_dump(mode="json")
        assert listed == {key: expected[key] for key in ("binding", "overflow")}
        return
    model = MODELS[part]
    assert list(listed) == list(model.model_fields)
    required = [key for key, field in model.model_fields.items() if field.is_required()]
    assert list(mode_help.part_required(part)) == required
    for key, field in model.model_fields.items():  # the others at the model's default
        if key not in required:
            default = field.get_default(call_default_factory=True)
            assert listed[key] == (
                default.model_dump() if hasattr(default, "model_dump") else default
            )


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("part", mode_help.PARTS)
def test_every_parameter_has_its_words_in_both_languages(part: str, language: str) -> None:
    t = Translator(language)
    words = catalogue(language)
    assert words.get(f"distribution_guide.part.{part}", "").strip()
    for key in mode_help.part_defaults(part):
        means = mode_help.part_means_key(part, key, t)
        assert means in words and words[means].strip(), (part, key)
        form = mode_help.part_form(part, key, t)
        assert form and "mode_form." not in form, (part, key, form)
    for key in ("add", "add_one", "parameters", "explain", "template"):
        assert words.get(f"distribution_guide.{key}", "").strip(), key


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_template_is_every_parameter_at_its_default_and_its_comments_are_ignored(
    language: str,
) -> None:
    t = Translator(language)
    guides = mode_help.distribution_guide(t, _distribution_text, _toml_value)
    assert [guide.mode for guide in guides] == list(mode_help.PARTS)
    for guide in guides:
        values = mode_help.part_defaults(guide.mode)
        if guide.template is None:  # a team's levels: written inside [team]
            assert guide.mode == "team_levels"
            continue
        lines = guide.template.splitlines()
        name = t(f"distribution_guide.part.{guide.mode}")
        if guide.mode == "general":  # top-level keys, no table
            assert guide.keys == "binding overflow" and guide.table == ""
        else:
            assert lines[0] == f"{guide.table}  # {name}"
        for parameter in guide.parameters:  # each parameter a line, with what it means
            key = re.compile(rf"(# )?{parameter.key}( =|:) ")
            [line] = [one for one in lines if key.match(one)]
            if parameter.required:  # written at its example, said required
                assert parameter.default is None
                written = _toml_value(values[parameter.key])
                assert line == f"{parameter.key} = {written}  # {parameter.means}"
            elif parameter.default is None:
                assert line == f"# {parameter.key}: {parameter.means}"
            else:
                assert line == f"{parameter.key} = {parameter.default}  # {parameter.means}"
        written = {k: v for k, v in values.items() if v is not None}
        read = read_toml(guide.template)
        if guide.mode == "general":
            assert read == written
        else:
            assert read == {guide.mode: [written] if guide.mode == "dividends" else written}
        # the whole settings with it: the part at its defaults (the example where required)
        settings = DistributionConfig.model_validate(read)
        settings.params()
        if guide.mode != "general":
            got = getattr(settings, guide.mode)
            got = got[0] if guide.mode == "dividends" else got
            assert got == MODELS[guide.mode].model_validate(mode_help.EXAMPLES.get(guide.mode, {}))


def test_a_required_parameters_example_pays_nothing() -> None:
    """Saved as it is, a template with a required rate pays nobody until changed."""
    assert mode_help.EXAMPLES["recruiter"]["rate"] == "0"
    assert mode_help.EXAMPLES["dividends"]["share"] == "0"
    for part, example in mode_help.EXAMPLES.items():
        assert sorted(example) == sorted(mode_help.part_required(part)), part
