"""What the zone form says of each companion mode's parameters (docs/console.md, "Zones
and their modes"): for every parameter its key, what it means, how it is written and
its default, in the page's language, generated from the modes' own configuration
models (`engine/zones.py`, whose defaults make the modes' params dataclasses in
`rules/modes/*.py`), so that a parameter added there is listed here, and a test holds
that each one has its words in both catalogues (`[mode_param]`).

The form's "Add a mode" buttons insert a mode's template: its table as the form writes
an existing zone's modes back (`config._toml`), every parameter at its default, each
line followed by a comment saying what it means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

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
}


@dataclass(frozen=True)
class Parameter:
    key: str
    means: str
    form: str
    default: str | None  # as the form writes it; None: left out


@dataclass(frozen=True)
class ModeGuide:
    mode: str
    name: str
    parameters: tuple[Parameter, ...]
    template: str  # the mode's table at its defaults, each line with what it means


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


def form(mode: str, key: str, t: Translator) -> str:
    """How a parameter is written, from its type in the mode's model."""
    shape = _schema(mode)[key]
    shape = next((s for s in shape.get("anyOf", [shape]) if s.get("type") != "null"), shape)
    kind = shape.get("type")
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
        guides.append(ModeGuide(mode, t(f"mode_name.{mode}"), parameters, template))
    return guides
