"""Configuration: pools, zones (with their companion modes), products, stores, the
distribution settings and the tenant's settings.

Forms post to the same use cases as `PUT /v1/products/{id}` and the rest; a refusal
comes back with the field it names, and the form is shown again with the message next
to that field and nothing saved.

A change to a pool, a zone, a product or a store is reviewed before it is saved: "Check"
shows the configuration lint's findings for the live configuration with the change
(`POST /v1/config/lint`); "Dry run" starts a back-test of it over the tenant's own
history (`service/dry_runs.py`, a process of its own: it can take minutes) and sends the
browser to the run's page, which refreshes itself until it shows the lint and the
difference; neither touches live state. Saving is a button of its own, offered once the
change has been checked, and it carries a digest of the change checked: a change edited
after its check (or never checked) is not saved but checked again, and the page says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Annotated, TypeVar

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, After, ContextDep, context_of
from zengzhi.engine.backtest import Backtest
from zengzhi.engine.config import DistributionConfig, read_toml
from zengzhi.engine.fields import ID_PATTERN, hidden
from zengzhi.i18n import Translator
from zengzhi.i18n import format as fmt
from zengzhi.service import catalog, config, distribution, dry_runs, pools, tenants
from zengzhi.service.auth import Permission
from zengzhi.service.background import RUN_ID
from zengzhi.service.base import Context, tenant_zone
from zengzhi.service.catalog import ProductIn, StoreIn, ZoneIn
from zengzhi.service.config import BacktestRequest, LintReport
from zengzhi.service.dry_runs import DryRunView
from zengzhi.service.pools import NewPool, PoolParamsIn
from zengzhi.service.queries import console_choices
from zengzhi.service.queries.pools import PoolView
from zengzhi.service.tenants import TenantSettings
from zengzhi.web.console import mode_help, page
from zengzhi.web.console.members import PICKED
from zengzhi.web.console.session import KeptDep, Staff, StaffDep, needs_form
from zengzhi.web.pages import (
    Form,
    PageRoute,
    Refusals,
    build,
    language,
    problems,
    see_other,
    see_other_with_notice,
    signing_key,
)

router = APIRouter(prefix="/console/config", route_class=PageRoute, include_in_schema=False)

PAGE = 50
ItemId = Annotated[str, Path(pattern=ID_PATTERN)]
B = TypeVar("B", bound=BaseModel)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, check, datetime, toml, days
    of: str = ""  # the model's field, when it is not the form's (a window typed in days)


# The forms' return window, typed in days (`window_seconds`); the API's field is
# completion_delay_seconds, in seconds.
WINDOW = "completion_delay_days"


@dataclass(frozen=True)
class Kind:
    """A catalogue kind as the console edits it."""

    name: str  # zone, product, store
    model: type[BaseModel]
    fields: tuple[Field, ...]


KINDS = {
    "products": Kind(
        "product",
        ProductIn,
        (
            *(
                Field(n)
                for n in (
                    "name",
                    "price",
                    "cost",
                    "distribution",
                    "platform",
                    "contribution",
                    "zone",
                    "pool",
                )
            ),
            Field("modes", "toml"),  # its own mode values (ads ratio, union credit…)
        ),
    ),
    "stores": Kind(
        "store",
        StoreIn,
        tuple(
            Field(n)
            for n in (
                "name",
                "commission_rate",
                "platform_rate",
                "distribution_rate",
                "owner",
                "recruiter",
                "region",
                "zone",
                "pool",
                "settlement_account",
            )
        ),
    ),
    "zones": Kind(
        "zone",
        ZoneIn,
        (
            Field("pool"),
            Field(WINDOW, "days", "completion_delay_seconds"),
            Field("starts_at", "datetime"),
            Field("ends_at", "datetime"),
            Field("modes", "toml"),
        ),
    ),
}
POOL_FIELDS = ("mint_ratio", "sell_fee", "exit_multiple", "opening_price", "min_sell_points")


# ---------------------------------------------------------------------------- return windows

# What a unit of a return window typed in days and hours counts, in seconds: the words
# the zones' list writes a window in (format.duration: 2 天 12 小时, 16 min 40 s), and a few
# more an operator may type.
_WINDOW_UNITS = {
    **dict.fromkeys(("天", "日", "d", "day", "days"), 86_400),
    **dict.fromkeys(("小时", "时", "h", "hr", "hour", "hours"), 3_600),
    **dict.fromkeys(("分钟", "分", "min", "m", "minute", "minutes"), 60),
    **dict.fromkeys(("秒", "s", "sec", "second", "seconds"), 1),
}
# ASCII digits only: NFKC has made a full-width ７ one, and `\d` took ٣ (Arabic-Indic) as 3
_WINDOW_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([^\d\s.]+)\s*", re.ASCII)
WINDOW_SAYS = "must be a number of days (7, or 0.5 for 12 hours) or a time such as 2 days 12 h"


def window_seconds(text: str, field: str) -> int:
    """A return window as the console's forms take it (an operator thinks in days, the API
    keeps seconds): a number of days, `7` or `0.5` (12 hours), or days, hours, minutes and
    seconds as the zones' list writes them (`2 天 12 小时`, `16 min 40 s`); a Chinese input
    method's full-width digits as theirs. A negative window, a fraction of a second
    (`0.00001` days is 0.864 seconds) or anything else is refused naming `field`."""
    typed = unicodedata.normalize("NFKC", text).strip().lower()
    if re.fullmatch(r"-\s*\d+(\.\d+)?.*", typed, re.ASCII):
        raise DomainError(ErrorCode.INVALID, "must not be negative", field)
    if re.fullmatch(r"\d+(\.\d+)?", typed, re.ASCII):
        seconds = Decimal(typed) * 86_400
    else:
        parts = _WINDOW_PART.findall(typed)
        whole = "".join(f"{n}{unit}" for n, unit in parts)
        if not parts or whole != re.sub(r"\s+", "", typed):
            raise DomainError(ErrorCode.INVALID, WINDOW_SAYS, field)
        if any(unit not in _WINDOW_UNITS for _, unit in parts):
            raise DomainError(ErrorCode.INVALID, WINDOW_SAYS, field)
        seconds = sum((Decimal(n) * _WINDOW_UNITS[unit] for n, unit in parts), Decimal(0))
    if seconds != seconds.to_integral_value():
        said = format(seconds.normalize(), "f")
        raise DomainError(
            ErrorCode.INVALID,
            f"is {said} seconds: a return window is a whole number of seconds",
            field,
        )
    return int(seconds)


def window_shown(seconds: int, lang: str) -> str:
    """A window kept in seconds as its form shows it: whole days as their number (`7`),
    any other in days, hours, minutes and seconds (`16 分 40 秒`), which it reads back."""
    return str(seconds // 86_400) if seconds % 86_400 == 0 else fmt.duration(seconds, lang)


def _build_windowed(model: type[B], data: Mapping[str, object], field: str, of: str) -> B:
    """`build(model, data)` with the return window typed in days at the form's `field`
    read into the model's `of`; a refusal of either is named at the form's field, beside
    every other field refused at once."""
    data = dict(data)
    typed = data.pop(field, "")
    refused: list[DomainError] = []
    if isinstance(typed, str) and typed.strip():
        try:
            seconds = window_seconds(typed, field)
            # the model's bound, said in days (its own refusal said 不能大于 31536000)
            bounds = model.model_fields[of].metadata
            most = next((getattr(m, "le", None) for m in bounds if hasattr(m, "le")), None)
            if isinstance(most, int) and seconds > most:
                said = f"must be at most {window_shown(most, 'en')} days"
                raise DomainError(ErrorCode.INVALID, said, field)
            data[of] = seconds
        except DomainError as error:
            refused.append(error)
    try:
        body = build(model, data)
    except Refusals as error:
        found = problems(error)
        for one in found:
            if one.field == of:
                one.field = field
        raise Refusals([*refused, *found]) from None
    if refused:
        raise Refusals(refused)
    return body


def _given(values: Mapping[str, str], names: tuple[str, ...] | list[str]) -> dict[str, object]:
    """The fields filled in; an empty field is left to its default."""
    return {name: values[name] for name in names if values.get(name, "") != ""}


def _moment(text: str, zone: tzinfo) -> str:
    """A time field (年-月-日 时:分, `2027-01-01 08:00`) is read in the tenant's time zone,
    the one pages show; a Chinese input method's full-width digits and colon as theirs."""
    text = unicodedata.normalize("NFKC", text).strip()
    if re.search(r"(Z|[+-]\d\d:\d\d)$", text):
        return text
    try:
        return datetime.fromisoformat(text).replace(tzinfo=zone).isoformat()
    except ValueError:
        return text  # the model refuses it, naming the field


# ---------------------------------------------------------------------------- review

ACTIONS = ("check", "dryrun", "save")
DRY_RUN_MEMBERS = 10
Change = PoolParamsIn | ZoneIn | ProductIn | StoreIn | DistributionConfig
C = TypeVar("C", bound=Change)


@dataclass(frozen=True)
class Review:
    """A change under review as its form shows it: the lint's findings for the
    configuration with it, the digest that lets Save save it (None: nothing to save, a
    dry run that did not finish), why a Save was refused (`edited`, `missing`), and a dry
    run's job and difference."""

    lint: LintReport
    checked: str | None
    unchecked: str | None = None
    dry_run: Backtest | None = None
    job: DryRunView | None = None

    @property
    def status(self) -> int:
        """A Save refused because the change is not the one checked: nothing was saved."""
        return 409 if self.unchecked else 200


class DryRunAbout(BaseModel):
    """What a dry run started from a form keeps with it, to show the form again."""

    section: str
    key: str
    editing: bool
    values: dict[str, str]
    checked: str


@dataclass(frozen=True)
class Filled:
    """A configuration form as a page shows it: the values in its fields, and the review
    or the error to show with them (with the HTTP status they come with)."""

    values: Mapping[str, str | bool]  # text fields, and check boxes
    status: int = 200
    review: Review | None = None
    error: DomainError | None = None


def _form_page(
    request: Request, user: Staff, template: str, tab: str, form: Filled, **data: object
) -> HTMLResponse:
    return page(
        request,
        user,
        template,
        status=form.status,
        tab=tab,
        values=form.values,
        review=form.review,
        error=form.error,
        **data,
    )


def _action(form: Form) -> str:
    """What the button pressed asks: check (the lint), dryrun (the lint and a back-test)
    or save. A form sent without a button (a script) asks to save."""
    chosen = form.get("action") or "save"
    if chosen not in ACTIONS:
        raise DomainError(ErrorCode.INVALID, f"must be one of {', '.join(ACTIONS)}", "action")
    return chosen


def checked_digest(context: Context, user: Staff, section: str, key: str, change: Change) -> str:
    """What Save carries once a change has been checked: an HMAC (with a key derived from
    the secret key, as the CSRF token's) of the tenant, the form, the item and the change
    as built from the form: the request model's JSON, so that the digest follows what
    would be saved, not how it was typed (TOML's spacing, a zone's modes in any order)."""
    text = json.dumps(
        [user.tenant, section, key, change.model_dump(mode="json")],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(
        signing_key(context, "checked-change"), text.encode(), hashlib.sha256
    ).hexdigest()


def _review(
    context: Context,
    user: Staff,
    section: str,
    key: str,
    change: Change,
    digest: str,
    unchecked: str | None = None,
) -> Review:
    """The lint's findings for the configuration with this change, and the digest that
    lets Save save it; `unchecked` says why a Save was refused (edited, missing)."""
    proposal = config.proposal_with(context, user.principal, key, change)
    lint = config.lint_proposal(context, user.principal, proposal)
    _refuse_what_saving_would(lint, section, key)
    catalog.check_store_members(context, user.principal, change)
    return Review(lint, digest, unchecked)


def _refuse_what_saving_would(lint: LintReport, section: str, key: str) -> None:
    """A product's or a store's value the engine refuses (a price of −1 or 0.001, a split
    that does not add up) is refused at its field, as Save refuses it: the request model
    takes such values as text and the engine checks them, so Check listed the lint's
    `config.invalid` as a finding (products.p1.price 必须大于 0) with Save offered beside
    it, and Save then refused it. The field is named as `catalog.put_item` names it: the
    item's own field, or the item (its id) for a split that does not add up."""
    if section not in ("products", "stores"):
        return
    item = f"{section}.{key}"
    for finding in lint.findings:
        if finding.code == "config.invalid" and (
            finding.field == item or finding.field.startswith(item + ".")
        ):
            field = finding.field.removeprefix(item).removeprefix(".") or key
            raise DomainError(ErrorCode.INVALID, finding.message, field)


def _before_saving(
    context: Context,
    user: Staff,
    form: Form,
    section: str,
    key: str,
    editing: bool,
    change: Change,
) -> Response | Review | None:
    """What the button asks of a change built from the form: "check", the review to
    show; "dryrun", the page of the dry run it started; "save", nothing (save it) when
    the form carries the digest of this very change, else the change checked again
    with why it was not saved."""
    action = _action(form)
    digest = checked_digest(context, user, section, key, change)
    if action == "dryrun":
        proposal = config.proposal_with(context, user.principal, key, change)
        lint = config.lint_proposal(context, user.principal, proposal)
        _refuse_what_saving_would(lint, section, key)
        values = {k: v for k, v in form.values().items() if k not in ("csrf", "action", "checked")}
        about = DryRunAbout(
            section=section, key=key, editing=editing, values=values, checked=digest
        )
        request = BacktestRequest(config=proposal.config, top=DRY_RUN_MEMBERS)
        run_id = dry_runs.start(context, user.principal, request, about.model_dump())
        return see_other(f"/console/config/dry-runs/{run_id}")
    if action == "save":
        user.principal.require(Permission.CONFIGURE)  # a refusal before a second look
        filled_from = form.get("shown")
        now = config.item_version(context, user.principal, section, key) if filled_from else ""
        if filled_from and filled_from != now:  # saved since this page was filled: kept
            why = "stale" if editing else "exists"  # a new item's id taken meanwhile
            return _review(context, user, section, key, change, digest, why)
        carried = form.get("checked")
        if carried and hmac.compare_digest(carried, digest):
            return None
        return _review(
            context, user, section, key, change, digest, "edited" if carried else "missing"
        )
    return _review(context, user, section, key, change, digest)


def _reviewed_save(
    request: Request,
    context: Context,
    user: Staff,
    form: Form,
    section: str,
    editing: bool,
    read: Callable[[], tuple[str, C]],
    save: Callable[[str, C], object],
    shown: Callable[[Filled], HTMLResponse],
    saved: str,
) -> Response:
    """A configuration form posted: the change `read` from it (its item's key and the
    request model) checked, dry-run or saved as the button asks (`_before_saving`); the
    form `shown` again with the review, or with the error and nothing saved; once saved,
    the page `saved` with a notice naming the key."""
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        key, change = read()
        review = _before_saving(context, user, form, section, key, editing, change)
        if isinstance(review, Response):
            return review
        if review is not None:
            return shown(Filled(form.values(), review.status, review))
        save(key, change)
    except DomainError as error:
        return shown(Filled(form.values(), STATUS[error.code], error=error))
    if saved == "/console/config/distribution":
        return see_other_with_notice(request, saved, "config.distribution_saved")
    return see_other_with_notice(request, saved, "config.saved", id=key)


def _toml_key(key: str) -> str:
    """A bare key where TOML allows one; else quoted (an agents' area named 华南)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    """A TOML basic string, each hidden character (a control, a zero-width space, a
    bidirectional control) written as its escape, `\\u200b`: an area kept before areas
    refused them showed as 华南 in the text area, and its refusal on saving named a
    character no one could see to take out."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(
        (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") if hidden(c) else c
        for c in quoted
    )


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(one) for one in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(pairs) + "}"
    return _toml_string(str(value))


def _toml(modes: Mapping[str, object], said: Callable[[str, str], str] | None = None) -> str:
    """A zone's modes as the TOML the form edits: the zone's own keys, then a table a
    mode (as in docs/modes.md, without the `zones.<id>` prefix). With `said` (a mode's
    template, mode_help.py), each table and each of its lines is followed by a comment,
    `said(table, key)` ("" for the table; `said("", key)` for a key before the tables),
    and a parameter left out is a comment too."""

    def comment(name: str, key: str) -> str:
        return f"  # {said(name, key)}" if said is not None else ""

    lines = [
        f"{_toml_key(k)} = {_toml_value(v)}{comment('', k)}"
        for k, v in modes.items()
        if v is not None and not (isinstance(v, dict) and k != "campaign")
    ]
    for name, table in modes.items():
        if isinstance(table, dict) and name != "campaign":
            lines += ["", f"[{_toml_key(name)}]{comment(name, '')}"]
            lines += [
                f"{_toml_key(k)} = {_toml_value(v)}{comment(name, k)}"
                if v is not None
                else f"# {_toml_key(k)}:{comment(name, k).removeprefix('  #')}"
                for k, v in table.items()
                if v is not None or said is not None
            ]
    return "\n".join(lines).strip()


def _modes(text: str) -> dict[str, object]:
    try:
        return read_toml(text)
    except tomllib.TOMLDecodeError as error:
        raise DomainError(ErrorCode.INVALID, f"is not TOML: {error}", "modes") from None


def _on_form(error: DomainError, kind: Kind, key: str) -> DomainError:
    """Name the form's field of each problem: a mode's setting is in the modes' text, a
    split that does not add up names the item (shown by its rate)."""
    for one in problems(error):
        field = one.field or ""
        if kind.name in ("zone", "product") and field.startswith("modes."):
            one.message = f"{field.removeprefix('modes.')}: {one.message}"
            one.field = "modes"
        elif field == key:
            one.field = "price" if kind.name == "product" else "commission_rate"
    return error


def _check_id(key: str) -> None:
    if not key:
        raise DomainError(ErrorCode.INVALID, "is required", "id")
    if not re.fullmatch(ID_PATTERN, key):
        raise DomainError(
            ErrorCode.INVALID,
            "must be 1 to 128 letters, digits or _.:@- and start with a letter or digit",
            "id",
        )


# ---------------------------------------------------------------------------- pools


def _pools_page(request: Request, context: Context, user: Staff, form: Filled) -> HTMLResponse:
    pools_now = pools.list_pools(context, user.principal)
    return _form_page(
        request,
        user,
        "console/config_pools.html",
        "pools",
        form,
        pools=pools_now,
        fields=POOL_FIELDS,
    )


@router.get("", response_class=HTMLResponse)
def pool_list(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    return _pools_page(request, context, user, Filled({}))


@router.post("/pools", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)])
def open_pool(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    values = form.values()

    def read() -> tuple[str, NewPool]:
        body = build(NewPool, {"id": values.get("id", ""), **_given(values, POOL_FIELDS)})
        return body.id, body

    return _reviewed_save(
        request,
        context,
        user,
        form,
        "pools",
        False,
        read,
        lambda _, body: pools.open_pool(context, user.principal, body),
        lambda filled: _pools_page(request, context, user, filled),
        "/console/config",
    )


@router.get("/pools/{pool_id}", response_class=HTMLResponse)
def pool_form(request: Request, context: ContextDep, user: StaffDep, pool_id: ItemId) -> Response:
    pool = pools.get_pool(context, user.principal, pool_id)
    values = {k: v or "" for k, v in pool.params.items() if k in POOL_FIELDS}
    values["shown"] = config.item_version(context, user.principal, "pool", pool_id)
    return _pool_page(request, user, pool, Filled(values))


def _pool_page(request: Request, user: Staff, pool: PoolView, form: Filled) -> HTMLResponse:
    return _form_page(
        request, user, "console/config_pool.html", "pools", form, pool=pool, fields=POOL_FIELDS
    )


@router.post(
    "/pools/{pool_id}", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)]
)
def configure_pool(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, pool_id: ItemId
) -> Response:
    values = form.values()
    pool = pools.get_pool(context, user.principal, pool_id)

    def read() -> tuple[str, PoolParamsIn]:
        changes = {
            name: values.get(name, "")
            for name in POOL_FIELDS
            if values.get(name, "") != (pool.params.get(name) or "")
        }
        no_exit = "exit_multiple" in changes and changes["exit_multiple"] == ""
        if no_exit:
            del changes["exit_multiple"]
        return pool_id, build(PoolParamsIn, {**changes, "no_exit": no_exit})

    return _reviewed_save(
        request,
        context,
        user,
        form,
        "pool",
        True,
        read,
        lambda key, body: pools.configure_pool(context, user.principal, key, body),
        lambda filled: _pool_page(request, user, pool, filled),
        "/console/config",
    )


# ---------------------------------------------------------------------------- settings


_SETTINGS = "console/config_settings.html"


@router.get("/settings", response_class=HTMLResponse)
def settings_form(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    tenant = tenants.get_tenant(context, user.principal)
    shown = Filled(_settings_values(tenant.settings, language(request)))
    return _form_page(request, user, _SETTINGS, "settings", shown)


def _settings_values(settings: TenantSettings, lang: str) -> dict[str, str | bool]:
    w = settings.withdrawals
    return {
        "shown": tenants.settings_version(settings),  # what the page was filled from
        "timezone": settings.timezone,
        WINDOW: window_shown(settings.completion_delay_seconds, lang),
        "withdrawals.minimum": w.minimum,
        "withdrawals.fee_rate": w.fee_rate,
        "withdrawals.fee_fixed": w.fee_fixed,
        "withdrawals.auto_approve_limit": w.auto_approve_limit,
        "withdrawals.require_real_name": w.require_real_name,
        "withdrawals.require_payee": w.require_payee,
        "member_page.referral_link": settings.member_page.referral_link or "",
        "member_page.pool_names": "\n".join(
            f"{pool} = {name}" for pool, name in settings.member_page.pool_names.items()
        ),
    }


def _pool_names(text: str) -> dict[str, str]:
    """ "main = 购物积分" lines; a line without "=" is refused saying how a line is written
    (it was kept whole, and the id check said 'main 购物积分' must be 1 to 128 letters…)."""
    names: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            pool, equals, name = line.partition("=")
            if not equals:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"line {n} has no '=': write each pool as its id = its name, "
                    "such as main = 购物积分",
                    "member_page.pool_names",
                )
            names[pool.strip()] = name.strip()
    return names


@router.post(
    "/settings", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)]
)
def save_settings(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    values: dict[str, str | bool] = {**form.values()}
    values["withdrawals.require_real_name"] = form.flag("withdrawals.require_real_name")
    values["withdrawals.require_payee"] = form.flag("withdrawals.require_payee")
    try:
        form.check()
        body = _build_windowed(
            TenantSettings,
            {
                "timezone": values.get("timezone") or "",
                WINDOW: values.get(WINDOW) or "0",
                "withdrawals": {
                    "minimum": values.get("withdrawals.minimum") or "0.00",
                    "fee_rate": values.get("withdrawals.fee_rate") or "0",
                    "fee_fixed": values.get("withdrawals.fee_fixed") or "0.00",
                    "auto_approve_limit": values.get("withdrawals.auto_approve_limit") or "0.00",
                    "require_real_name": values["withdrawals.require_real_name"],
                    "require_payee": values["withdrawals.require_payee"],
                },
                "member_page": {
                    "referral_link": values.get("member_page.referral_link") or None,
                    "pool_names": _pool_names(form.get("member_page.pool_names")),
                },
            },
            WINDOW,
            "completion_delay_seconds",
        )
        tenants.update_settings(context, user.principal, body, form.get("shown") or None)
    except DomainError as error:
        if error.field == "settings":  # saved by someone else since: show theirs
            values = _settings_values(
                tenants.get_tenant(context, user.principal).settings, language(request)
            )
        shown = Filled(values, STATUS[error.code], error=error)
        return _form_page(request, user, _SETTINGS, "settings", shown)
    return see_other_with_notice(request, "/console/config/settings", "config.settings_saved")


# ---------------------------------------------------------------------------- distribution

_DISTRIBUTION = "console/config_distribution.html"


def _distribution_toml(settings: DistributionConfig | None) -> str:
    """The settings as the TOML the form edits: the `[distribution]` table of a
    configuration file without its prefix (docs/distribution.md), each part a table and
    each dividend plan a `[[dividends]]` entry; defaults are written out, so the page
    shows what is in force."""
    if settings is None:
        return ""
    return _distribution_text(settings.model_dump(mode="json", exclude_none=True))


def _distribution_text(
    settings: Mapping[str, object], said: Callable[[str, str], str] | None = None
) -> str:
    """Settings (the model's JSON) as the form writes them; with `said`, a part's
    template (mode_help.py): each line followed by what it means, as `_toml` writes."""
    data = dict(settings)
    plans = data.pop("dividends", [])
    text = _toml(data, said)
    for plan in plans if isinstance(plans, list) else []:
        head, *entries = _toml({"dividends": plan}, said).splitlines()  # [dividends]  # …
        text += "\n\n[" + head.replace("]", "]]", 1) + "\n" + "\n".join(entries)
    return text.strip()


def _distribution_page(request: Request, user: Staff, form: Filled, **data: object) -> HTMLResponse:
    guide = mode_help.distribution_guide(  # each part's parameters and template
        Translator(language(request)), _distribution_text, _toml_value
    )
    return _form_page(request, user, _DISTRIBUTION, "distribution", form, modes_guide=guide, **data)


def _on_distribution(error: DomainError) -> DomainError:
    """The form has one field, the TOML: each setting refused is named inside its text."""
    for one in problems(error):
        field = one.field or ""
        if field != "distribution":
            one.message = f"{field.removeprefix('distribution.')}: {one.message}"
            one.field = "distribution"
    return error


@router.get("/distribution", response_class=HTMLResponse)
def distribution_form(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    current = distribution.get_settings(context, user.principal)
    version = config.item_version(context, user.principal, "distribution", "")
    shown = Filled({"distribution": _distribution_toml(current), "shown": version})
    return _distribution_page(request, user, shown, off=current is None)


@router.post(
    "/distribution", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)]
)
def save_distribution(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep
) -> Response:
    """Reviewed like a zone's modes, saved through `PUT /v1/distribution`'s use case
    (which recomputes every member's level and audits the change)."""
    text = form.get("distribution")

    def read() -> tuple[str, DistributionConfig]:
        try:
            data = read_toml(text)
        except tomllib.TOMLDecodeError as error:
            raise DomainError(ErrorCode.INVALID, f"is not TOML: {error}", "distribution") from None
        settings = build(DistributionConfig, data, "distribution")
        settings.params()  # a value the engine refuses, before the lint or a save
        return "distribution", settings

    def shown(filled: Filled) -> HTMLResponse:
        if filled.error is not None:
            filled = replace(filled, error=_on_distribution(filled.error))
        return _distribution_page(request, user, filled)

    return _reviewed_save(
        request,
        context,
        user,
        form,
        "distribution",
        True,
        read,
        lambda _, settings: distribution.put_settings(context, user.principal, settings),
        shown,
        "/console/config/distribution",
    )


# ---------------------------------------------------------------------------- dry runs

RunId = Annotated[str, Path(pattern=RUN_ID.pattern)]


@router.get("/dry-runs", response_class=HTMLResponse)
def dry_run_list(request: Request, context: ContextDep, user: StaffDep) -> Response:
    """The last dry runs, newest first, each linked to its page: a run's page closed,
    the run was found nowhere (its address answered, the list did not exist)."""
    runs = dry_runs.list_runs(context, user.principal)
    return page(request, user, "console/config_dry_runs.html", tab="dry-runs", runs=runs)


@router.get("/dry-runs/{run_id}", response_class=HTMLResponse)
def dry_run(request: Request, context: ContextDep, user: StaffDep, run_id: RunId) -> Response:
    """A dry run started from a form: while it runs, the change and a page that refreshes
    itself; then the form with the change, the lint and the difference (or the error),
    and Save for exactly that change (the digest made when it started)."""
    run = dry_runs.get(context, user.principal, run_id)
    about = DryRunAbout.model_validate(run.about)
    section, key, values = about.section, about.key, about.values
    tab = "pools" if section in ("pools", "pool") else section
    if run.status in ("queued", "running"):
        return page(
            request,
            user,
            "console/config_dry_run.html",
            tab=tab,
            run=run,
            section=section,
            key=key,
            values=values,
        )
    checked = about.checked if run.status == "done" else None
    review = Review(run.lint, checked, dry_run=run.result, job=run)
    if section == "pools":
        return _pools_page(request, context, user, Filled(values, review=review))
    if section == "pool":
        pool = pools.get_pool(context, user.principal, key)
        return _pool_page(request, user, pool, Filled(values, review=review))
    if section == "distribution":
        return _distribution_page(request, user, Filled(values, review=review))
    shown = key if about.editing else None
    return _item_page(request, user, section, shown, Filled(values, review=review))


# ---------------------------------------------------------------------------- catalogue


def _kind(kinds: str) -> Kind:
    found = KINDS.get(kinds)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no such page {kinds!r}", "kind")
    return found


KindPath = Annotated[str, Path(pattern="^(products|stores|zones)$")]


@router.get("/stores/pick.json", response_class=JSONResponse)
def pick_store(request: Request, context: ContextDep, user: StaffDep) -> JSONResponse:
    """The stores a picker offers for what was typed (an id's start, a name anywhere):
    the first PICKED by id, as id and label (static/js/pick.js), as members are offered."""
    text = (request.query_params.get("q") or "").strip()[:100]
    if not text:
        return JSONResponse([])
    found = console_choices.find_stores(context, user.principal, text, PICKED)
    return JSONResponse([{"id": s.id, "label": s.name or ""} for s in found])


# the fields each kind's list shows, after its id
_LISTED = {
    "products": ("name", "price", "contribution", "zone", "pool"),
    "stores": ("name", "commission_rate", "contribution_share", "zone", "pool"),
    "zones": ("pool", "completion_delay_seconds", "starts_at", "ends_at"),
}


@router.get("/{kinds}", response_class=HTMLResponse)
def item_list(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    kinds: KindPath,
    after: After = None,
) -> HTMLResponse:
    kind = _kind(kinds)
    items = catalog.list_items(context, user.principal, kind.name, PAGE, after)
    return page(
        request,
        user,
        "console/config_items.html",
        tab=kinds,
        kinds=kinds,
        columns=_LISTED[kinds],
        items=items,
        next_after=items[-1].id if len(items) == PAGE else None,  # type: ignore[attr-defined]
    )


def _item_page(
    request: Request, user: Staff, kinds: str, key: str | None, form: Filled
) -> HTMLResponse:
    kind = _kind(kinds)
    return _form_page(
        request,
        user,
        "console/config_item.html",
        kinds,
        form,
        kind=kind,
        kinds=kinds,
        key=key,
        choices=console_choices.choices(context_of(request), user.principal),
        modes_guide=(  # the zone's modes: each one's parameters and template
            mode_help.guide(Translator(language(request)), _toml, _toml_value)
            if kind.name == "zone"
            else []
        ),
    )


@router.get("/{kinds}/new", response_class=HTMLResponse)
def new_item(request: Request, user: StaffDep, kinds: KindPath) -> HTMLResponse:
    return _item_page(request, user, kinds, None, Filled({"shown": config.ABSENT}))


@router.get("/{kinds}/{key}", response_class=HTMLResponse)
def edit_item(
    request: Request, context: ContextDep, user: StaffDep, kinds: KindPath, key: ItemId
) -> HTMLResponse:
    kind = _kind(kinds)
    item = catalog.get_item(context, user.principal, kind.name, key).model_dump(mode="json")
    zone = tenant_zone(context, user.principal.tenant)
    lang = language(request)
    values = {f.name: _shown(item.get(f.of or f.name), f.kind, zone, lang) for f in kind.fields}
    values["shown"] = config.item_version(context, user.principal, kinds, key)
    return _item_page(request, user, kinds, key, Filled(values))


def _shown(value: object, kind: str, zone: tzinfo, lang: str) -> str:
    if value is None:
        return ""
    if kind == "toml" and isinstance(value, Mapping):
        return _toml(value)
    if kind == "datetime":  # "2026-01-01T00:00:00Z" → "2026-01-01 08:00" in Shanghai
        return f"{datetime.fromisoformat(str(value)).astimezone(zone):%Y-%m-%d %H:%M}"
    if kind == "days" and isinstance(value, int):  # 604800 → "7"
        return window_shown(value, lang)
    return str(value)


@router.post(
    "/{kinds}", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)]
)
def save_item(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, kinds: KindPath
) -> Response:
    kind = _kind(kinds)
    values = form.values()
    key = values.get("id", "")
    editing = values.get("editing") == "1"

    def read() -> tuple[str, ZoneIn | ProductIn | StoreIn]:
        _check_id(key)
        data = _given(values, [f.name for f in kind.fields])
        zone = tenant_zone(context, user.principal.tenant)
        for f in kind.fields:
            if f.kind == "datetime" and f.name in data:
                data[f.name] = _moment(values[f.name], zone)
            if f.kind == "toml":
                data[f.name] = _modes(values.get(f.name, ""))
        windows = [f for f in kind.fields if f.kind == "days"]
        body = (
            _build_windowed(kind.model, data, windows[0].name, windows[0].of)
            if windows
            else build(kind.model, data)
        )
        assert isinstance(body, ZoneIn | ProductIn | StoreIn)
        return key, body

    def shown(filled: Filled) -> HTMLResponse:
        if filled.error is not None:
            filled = replace(filled, error=_on_form(filled.error, kind, key))
        return _item_page(request, user, kinds, key if editing else None, filled)

    return _reviewed_save(
        request,
        context,
        user,
        form,
        kinds,
        editing,
        read,
        lambda key, body: catalog.put_item(context, user.principal, kind.name, key, body),
        shown,
        f"/console/config/{kinds}",
    )
