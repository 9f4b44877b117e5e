"""What a configuration form says of the parameters it takes (docs/console.md, "Zones
and their modes" and "Distribution"): for every parameter its key, what it means, how
it is written and its default, in the page's language, generated from the models the
service checks, so that a parameter added there is listed here, and a test holds that
each one has its words in both catalogues. Two forms use it, each a part a table:

- a zone's companion modes (`engine/zones.py`, whose defaults make the modes' params
  dataclasses in `rules/modes/*.py`), words in `[mode_param]`;
- the distribution settings (`engine/config.py`'s `DistributionConfig` and its parts),
  words in `[distribution_param]`.

The forms' "Add a mode" / "Add a section" buttons insert a part's template: its table
as the form writes saved settings back (`config._toml`, `config._distribution_text`),
every parameter at its default, each line followed by a comment saying what it means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel

from zengzhi.engine.config import (
    AgentsConfig,
    CommissionConfig,
    DistributionConfig,
    DividendConfig,
    LimitsConfig,
    RecruiterConfig,
    TeamConfig,
    TeamLevelConfig,
)
from zengzhi.engine.zones import ModesConfig
from zengzhi.i18n import Translator
from zengzhi.rules.distribution import AGENT_LEVELS
from zengzhi.rules.modes.common import MODES

# How a decimal parameter counts, by its key; any other decimal is a ratio ("0.10").
_DECIMALS = {
    "ratio": "multiple",
    "multiple": "multiple",
    "credit": "multiple",
    "gift": "multiple",
    "threshold": "amount",
    "spend_per_share": "amount",
    "referral_spend_per_share": "amount",
    "max_shares": "shares",
    "performance": "amount",  # the distribution's team levels
    "total_spend": "amount",  # and limits
}
# How a distribution parameter is written where its type does not say (a list of
# tables, a table of lists, a name); words in [mode_form].
_DISTRIBUTION_FORMS = {"levels": "team_levels", "areas": "areas", "name": "name"}


@dataclass(frozen=True)
class Parameter:
    key: str
    means: str
    form: str
    default: str | None  # as the form writes it; None: left out, or required
    required: bool = False  # no default: the template writes an example


@dataclass(frozen=True)
class ModeGuide:
    """A part of a form (a mode; a part of the distribution settings) and its words."""

    mode: str  # the part's id in the page: its button, template and rows
    name: str
    parameters: tuple[Parameter, ...]
    template: str | None  # its table at its defaults, each line with what it means
    table: str = ""  # how its table is written: [union], [[dividends]]; "": top-level keys
    keys: str = ""  # top-level keys (binding overflow): js/modes.js puts them first


def defaults(mode: str) -> dict[str, Any]:
    """A mode's parameters at their defaults, as an existing zone's are read back (the
    model's JSON: None where a parameter is left out)."""
    dumped: dict[str, Any] = ModesConfig.model_validate({mode: {}}).model_dump(mode="json")
    return dict(dumped[mode])


def means_key(mode: str, key: str, t: Translator) -> str:
    """The catalogue's words for a parameter: the mode's own, else those every mode
    shares (starts, ends, funding, backed)."""
    own = f"mode_param.{mode}.{key}"
    return own if t.has(own) else f"mode_param.{key}"


@cache
def _schema(mode: str) -> dict[str, Any]:
    """The JSON schema of a mode's parameters (the same model the service checks)."""
    found: dict[str, Any] = ModesConfig.model_json_schema()
    name = found["properties"][mode]["anyOf"][0]["$ref"].rsplit("/", 1)[-1]
    return dict(found["$defs"][name]["properties"])


def _form(shape: Mapping[str, Any], key: str, t: Translator, named: Mapping[str, str]) -> str:
    """How a parameter is written, from its type in its model (`shape`, its JSON
    schema), or as `named` says for its key."""
    shape = next((s for s in shape.get("anyOf", [shape]) if s.get("type") != "null"), shape)
    kind = shape.get("type")
    if key in named:
        return t(f"mode_form.{named[key]}")
    if "enum" in shape:
        return t("mode_form.choice", values=" / ".join(f'"{v}"' for v in shape["enum"]))
    if kind == "boolean":
        return t("mode_form.yesno")
    if kind == "integer":
        return t("mode_form.whole", low=shape.get("minimum", 0), high=shape.get("maximum", "…"))
    if kind == "array":
        return t("mode_form.tiers" if "$ref" in shape.get("items", {}) else "mode_form.ratios")
    if kind == "object":
        return t("mode_form.levels", levels=", ".join(AGENT_LEVELS))
    if shape.get("format") == "date-time":
        return t("mode_form.moment")
    return t(f"mode_form.{_DECIMALS.get(key, 'ratio')}")


def form(mode: str, key: str, t: Translator) -> str:
    """How a mode's parameter is written, from its type in the mode's model."""
    return _form(_schema(mode)[key], key, t, {})


Writer = Callable[..., str]


def guide(t: Translator, table: Writer, value: Callable[[object], str]) -> list[ModeGuide]:
    """Every mode's parameters and template, in `t`'s language; `table` and `value` are
    the form's TOML writer (a zone's modes, and one value)."""

    def said(mode: str, key: str) -> str:
        return t(f"mode_name.{mode}") if not key else t(means_key(mode, key, t))

    guides = []
    for mode in MODES:
        values: Mapping[str, Any] = defaults(mode)
        parameters = tuple(
            Parameter(
                key,
                t(means_key(mode, key, t)),
                form(mode, key, t),
                None if default is None else value(default),
            )
            for key, default in values.items()
        )
        template = table({mode: values}, said)
        name = t(f"mode_name.{mode}")
        guides.append(ModeGuide(mode, name, parameters, template, f"[{mode}]"))
    return guides


# ---------------------------------------------------------------------- distribution

# The distribution settings' parts, in the order the form writes them: "general" is the
# top-level keys; "team_levels" a team's levels, written inside [team] (no button).
_PARTS: dict[str, type[BaseModel]] = {
    "general": DistributionConfig,
    "commission": CommissionConfig,
    "recruiter": RecruiterConfig,
    "agents": AgentsConfig,
    "team": TeamConfig,
    "team_levels": TeamLevelConfig,
    "dividends": DividendConfig,
    "limits": LimitsConfig,
}
PARTS = tuple(_PARTS)
GENERAL = ("binding", "overflow")  # DistributionConfig's own keys; the rest are parts
# A required parameter has no default: the template writes this, which pays nothing
# (a rate of 0) until it is changed.
EXAMPLES: dict[str, dict[str, Any]] = {
    "recruiter": {"rate": "0"},
    "team_levels": {"performance": "10000", "rate": "0"},
    "dividends": {"name": "dividend", "share": "0"},
}
_TABLES = {"general": "", "team_levels": "team.levels", "dividends": "[[dividends]]"}


def part_defaults(part: str) -> dict[str, Any]:
    """A part's parameters at their defaults (a required one at its example), as saved
    settings are read back (the model's JSON: None where a parameter is left out)."""
    model = _PARTS[part]
    dumped: dict[str, Any] = model.model_validate(EXAMPLES.get(part, {})).model_dump(mode="json")
    if part == "general":
        return {key: dumped[key] for key in GENERAL}
    return dumped


def part_required(part: str) -> tuple[str, ...]:
    return tuple(_PARTS[part].model_json_schema().get("required", ()))


def part_means_key(part: str, key: str, t: Translator) -> str:
    """The catalogue's words for a distribution parameter: the part's own, else those
    several parts share (pay_in)."""
    own = f"distribution_param.{part}.{key}"
    return own if t.has(own) else f"distribution_param.{key}"


def part_form(part: str, key: str, t: Translator) -> str:
    """How a distribution parameter is written, from its type in the part's model."""
    shape = _PARTS[part].model_json_schema()["properties"][key]
    return _form(shape, key, t, _DISTRIBUTION_FORMS)


def distribution_guide(
    t: Translator, text: Writer, value: Callable[[object], str]
) -> list[ModeGuide]:
    """Every part of the distribution settings, its parameters and template, in `t`'s
    language; `text` and `value` are the form's TOML writer (settings, and one value)."""

    def said(part: str, key: str) -> str:
        part = part or "general"  # a top-level key
        return t(f"distribution_guide.part.{part}") if not key else t(part_means_key(part, key, t))

    guides = []
    for part in PARTS:
        values: Mapping[str, Any] = part_defaults(part)
        required = part_required(part)
        parameters = tuple(
            Parameter(
                key,
                t(part_means_key(part, key, t)),
                part_form(part, key, t),
                None if default is None or key in required else value(default),
                key in required,
            )
            for key, default in values.items()
        )
        if part == "team_levels":  # written inside [team], in its levels
            template = None
        elif part == "general":
            template = text(values, said)
        else:
            template = text({part: [values] if part == "dividends" else values}, said)
        table = _TABLES.get(part, f"[{part}]")
        keys = " ".join(GENERAL) if part == "general" else ""
        name = t(f"distribution_guide.part.{part}")
        guides.append(ModeGuide(part, name, parameters, template, table, keys))
    return guides
