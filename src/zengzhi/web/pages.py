"""What every page shares: templates, the language, sessions in cookies, forms and
their CSRF check, and errors shown as pages instead of JSON.

Pages call the same use cases as the JSON API, with the principal the session names:
the service checks the role and keeps to the tenant, so a page can never do more than
the API would let the same person do.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import zlib
from collections import Counter
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context as JinjaContext
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import (
    STATUS,
    TWICE,
    address_field,
    address_name,
    context_of,
    error_response,
    of_address,
    on_the_loop,
    refused_request,
)
from zengzhi.engine.fields import error_from_details, errors_from_validation, printable
from zengzhi.i18n import LANGUAGES, Translator, from_accept_language
from zengzhi.i18n import format as fmt
from zengzhi.service.base import Context, tenant_zone

HERE = Path(__file__).parent
log = logging.getLogger("zengzhi.web")
LANGUAGE_COOKIE = "zz_lang"
CONSOLE_COOKIE = "zz_console"  # the console's session (web/console/session.py)
MEMBER_COOKIE = "zz_member"  # the member page's (web/member.py)
NOTICE_COOKIE = "zz_notice"  # what the last form did, for the page after it
REFUSAL_COOKIE = "zz_refused"  # a form refused, for the page it went back to
NOTICE_SECONDS = 120

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@pass_context
def _moment(page: JinjaContext, value: datetime | None) -> str:
    """Operators see the zone's offset; a member reads the time as local, with no label."""
    zone = page.get("timezone", UTC)
    if page.get("consumer"):
        return fmt.local_time(value, zone, page.get("lang", "en"))
    return fmt.moment(value, zone)


# a time as the service stores it in JSON (pydantic's ISO form, with its offset):
# `2026-12-05T11:54:53.254745+00:00` or `…Z`
STORED_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)")


@pass_context
def _stored_moment(page: JinjaContext, value: str) -> str:
    """A stored value that is a time (an audit record's `expires_at`) as every other
    time of the page is written; any other value as it is."""
    if not STORED_TIME.fullmatch(value):
        return value
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return str(_moment(page, when))


@pass_context
def _duration(page: JinjaContext, seconds: int) -> str:
    return fmt.duration(seconds, page.get("lang", "en"))


@pass_context
def _local_time(page: JinjaContext, value: datetime | None) -> str:
    return fmt.local_time(value, page.get("timezone", UTC), page.get("lang", "en"))


templates.filters.update(
    grouped=fmt.grouped,
    money=fmt.money,
    worth=fmt.worth,
    percent=fmt.percent,
    places=fmt.places,
    amid_chinese=fmt.amid_chinese,
    moment=_moment,
    stored_moment=_stored_moment,
    local_time=_local_time,
    duration=_duration,
    iso=fmt.iso,
)

M = TypeVar("M", bound=BaseModel)


def language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("accept-language"))


def render(
    request: Request, template: str, status: int = 200, tenant: str | None = None, **data: Any
) -> HTMLResponse:
    """The page, in the visitor's language; a tenant's page shows times in its zone."""
    t = Translator(language(request))
    if tenant is not None:
        data["timezone"] = tenant_zone(context_of(request), tenant)
    data.setdefault("error", None)  # every form template may ask for these
    data.setdefault("values", {})
    carried = NOTICE_COOKIE in request.cookies
    if carried:
        data.setdefault("notice", read_notice(request))
    data.setdefault("notice", None)
    page = templates.get_template(template).render(
        request=request,
        t=t,
        lang=t.language,
        here=request.url.path,
        back_here=_back_here(request),
        **data,
    )
    response = HTMLResponse(page, status_code=status)
    _, path = _area(request)
    if carried:  # a notice is shown once: the next page has none
        delete_session_cookie(response, request, NOTICE_COOKIE, path)
    if REFUSAL_COOKIE in request.cookies:  # so is a refusal (`read_refusal`)
        delete_session_cookie(response, request, REFUSAL_COOKIE, path)
    return response


def see_other(path: str) -> RedirectResponse:
    """After a form: back to a page with GET, so that a reload does not post again."""
    return RedirectResponse(path, status_code=303)


# ---------------------------------------------------------------------------- notices


def _area(request: Request) -> tuple[str, str]:
    """The session cookie and the path of the part of the site a request is in."""
    path = request.url.path
    if path == "/m" or path.startswith("/m/"):
        return MEMBER_COOKIE, "/m"
    return CONSOLE_COOKIE, "/console"


def _notice_signature(request: Request, payload: str, purpose: str = "notice") -> str:
    session, _ = _area(request)
    bound = f"{request.cookies.get(session, '')}\n{payload}".encode()
    key = signing_key(context_of(request), purpose)
    return hmac.new(key, bound, hashlib.sha256).hexdigest()


def _packed(body: Any) -> str:
    packed = zlib.compress(json.dumps(body, ensure_ascii=False).encode())
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def _unpacked(payload: str) -> Any:
    """What `_packed` packed, or None when it does not unpack."""
    try:
        packed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return json.loads(zlib.decompress(packed))
    except (binascii.Error, zlib.error, ValueError):
        return None


def see_other_with_notice(
    request: Request,
    path: str,
    key: str,
    refused: list[tuple[str, str]] | None = None,
    **values: str,
) -> RedirectResponse:
    """After a form that did something: back to a page with GET, and what was done (the
    catalogue's `key` with its `values`; the refusals of a batch, each an id and the
    service's message) in a short-lived cookie signed with the session, which the next
    page shows once and clears. The address never carries a notice: a link cannot make a
    page say that something was done."""
    response = see_other(path)
    shown = (refused or [])[:NOTICE_REFUSALS]
    body = {
        "key": key,
        "values": values,
        "refused": [[name, message[:NOTICE_MESSAGE]] for name, message in shown],
        "more": len(refused or []) - len(shown),
    }
    payload = _packed(body)
    _, cookie_path = _area(request)
    set_session_cookie(
        response,
        request,
        NOTICE_COOKIE,
        f"{payload}.{_notice_signature(request, payload)}",
        cookie_path,
        NOTICE_SECONDS,
    )
    return response


NOTICE_REFUSALS = 10  # a cookie holds about 4 KB: the first refusals, and how many more
NOTICE_MESSAGE = 200


def read_notice(request: Request) -> dict[str, Any] | None:
    """The notice the last form left for this session, if its signature holds."""
    payload, _, signature = request.cookies.get(NOTICE_COOKIE, "").partition(".")
    if not payload or not hmac.compare_digest(signature, _notice_signature(request, payload)):
        return None
    body = _unpacked(payload)
    return body if isinstance(body, dict) else None


REFUSAL_BYTES = 3000  # a refusal's cookie, well under the 4 KB a browser keeps of one
KEPT_TEXT = 500  # a value kept past REFUSAL_BYTES: as much as a form's box takes
KEPT_VALUES = 50  # a list kept past it (the rows ticked): as many as a page shows


def see_other_with_refusal(
    request: Request, path: str, error: DomainError, sent: Mapping[str, Any]
) -> RedirectResponse:
    """After a form refused: back with GET to the page it was sent from (`path`), the
    refusal (each problem's code, message and field) and what was `sent` (the values
    typed, to write back into the form) in a short-lived cookie signed with the session,
    as a notice is; that page shows them once (`read_refusal`), with the refusal's
    status, and clears the cookie. The page answered to the POST itself (as the console's
    other refused forms are) made a reload ask the browser to send the form again; this
    answer reloads as the page. The cookie stays under REFUSAL_BYTES: values past the
    boxes' own limits (a forged form's) are cut to them, then left out, the refusal
    itself always kept."""
    said = [[str(one.code), one.message, one.field] for one in problems(error)]
    body: dict[str, Any] = {"path": urlsplit(path).path, "problems": said, "sent": dict(sent)}
    payload = _packed(body)
    if len(payload) > REFUSAL_BYTES:
        body["sent"] = {
            key: value[:KEPT_TEXT]
            if isinstance(value, str)
            else value[:KEPT_VALUES]
            if isinstance(value, list)
            else value
            for key, value in sent.items()
        }
        payload = _packed(body)
    if len(payload) > REFUSAL_BYTES:
        body["sent"] = {"target": sent.get("target")}
        payload = _packed(body)
    response = see_other(path)
    _, cookie_path = _area(request)
    signature = _notice_signature(request, payload, "refusal")
    set_session_cookie(
        response, request, REFUSAL_COOKIE, f"{payload}.{signature}", cookie_path, NOTICE_SECONDS
    )
    return response


def read_refusal(request: Request) -> tuple[DomainError, dict[str, Any]] | None:
    """The refusal `see_other_with_refusal` left for this page (its path), with what was
    sent, if its signature holds; None otherwise."""
    payload, _, signature = request.cookies.get(REFUSAL_COOKIE, "").partition(".")
    if not payload or not hmac.compare_digest(
        signature, _notice_signature(request, payload, "refusal")
    ):
        return None
    body = _unpacked(payload)
    if not isinstance(body, dict) or body.get("path") != request.url.path:
        return None
    try:
        said = [
            DomainError(ErrorCode(code), str(message), field)
            for code, message, field in body["problems"]
        ]
    except (KeyError, TypeError, ValueError):
        return None
    sent = body.get("sent")
    if not said or not isinstance(sent, dict):
        return None
    return (said[0] if len(said) == 1 else Refusals(said)), sent


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page links a pager shows: the first, the last, and two either side of the
    current one; None where pages are skipped (an ellipsis)."""
    shown = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def local_path(target: str | None, fallback: str) -> str:
    """A path on this site only: never a redirect to somewhere else."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


# ---------------------------------------------------------------------------- sessions


def signing_key(context: Context, purpose: str) -> bytes:
    secret = context.settings.session_secret().encode()
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def csrf_token(context: Context, session: str) -> str:
    """A form token bound to the session: a page of this site knows it, another site
    cannot (the session cookie is HttpOnly and SameSite=Lax besides)."""
    return hmac.new(signing_key(context, "csrf"), session.encode(), hashlib.sha256).hexdigest()


def set_session_cookie(
    response: Response,
    request: Request,
    name: str,
    token: str,
    path: str,
    seconds: int,
    samesite: Literal["lax", "strict"] = "lax",
) -> None:
    """A cookie for a session: HttpOnly, SameSite, and Secure unless the settings say
    otherwise (`ZENGZHI_COOKIE_SECURE`; off only for `serve --demo`): behind a proxy
    that ends TLS, the request's own scheme says http, so it is not asked."""
    secure = context_of(request).settings.cookie_secure or request.url.scheme == "https"
    response.set_cookie(
        name, token, max_age=seconds, path=path, httponly=True, samesite=samesite, secure=secure
    )


def delete_session_cookie(response: Response, request: Request, name: str, path: str) -> None:
    secure = context_of(request).settings.cookie_secure or request.url.scheme == "https"
    response.delete_cookie(name, path=path, httponly=True, samesite="lax", secure=secure)


def same_origin(request: Request) -> None:
    """Refuse a sign-in form posted from another site (login CSRF). A browser says where
    a request comes from: `Sec-Fetch-Site` (which no page can forge) when it sends it,
    else `Origin`, held to the host asked for (or the one a proxy forwarded). Clients
    that are not browsers send neither, and are not a CSRF's victims."""
    headers = request.headers
    site = headers.get("sec-fetch-site")
    origin = headers.get("origin")
    if site is not None:
        foreign = site not in ("same-origin", "none")
    elif origin is not None:
        hosts = {headers.get("host"), headers.get("x-forwarded-host")} - {None}
        foreign = origin == "null" or origin.split("://", 1)[-1].rstrip("/") not in hosts
    else:
        foreign = False
    if foreign:
        raise DomainError(
            ErrorCode.FORBIDDEN, "this sign-in did not come from this site's own page", "origin"
        )


class SignInRequired(Exception):
    """No valid session: the console shows its sign-in page, the member page its
    expired-link page."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


# ---------------------------------------------------------------------------- forms


# A Chinese input method in full-width mode types ０-９, ． and －: a number written wholly
# in them is read as the number it is (the member page refused "１０" as no decimal), and
# so is a phone typed so, with its spaces (１３８ ００１３ ８０００, its wide space 　)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋　，￥\u2212", "0123456789.-+ ,¥-")
_NUMBER = re.compile(r"[-+]?[0-9.]+|\+?[0-9][0-9 -]*[0-9]")
# an amount as the pages write it (¥1,000.00, −¥12.50), copied into a form: its ¥ and
# its commas are dropped, but only a comma that groups three digits (1,00 and 10,0000
# stay as typed, refused as no number, naming their field); the JSON API takes no such
# text
_GROUPED = re.compile(r"([-+]?)¥?([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9.]+)")


def typed(value: str) -> str:
    """A form field's text as typed, without surrounding spaces; a number in full-width
    characters as the same number in ASCII, an amount written as the pages write it
    (¥1,000.00) as that number (1000.00). Any other text is kept as it is."""
    return _ascii_number(value.strip())


def _ascii_number(value: str) -> str:
    ascii_number = value.strip().translate(_FULL_WIDTH)
    if _NUMBER.fullmatch(ascii_number):
        return ascii_number
    amount = _GROUPED.fullmatch(ascii_number)
    return amount.group(1) + amount.group(2).replace(",", "") if amount else value


# a list's day filters: a day is no number, kept as typed (２０２６-01-01 is refused)
DAY_FILTERS = frozenset({"since", "until", "joined_from", "joined_until"})


def searched(asked: Mapping[str, str | None]) -> dict[str, str]:
    """A list's filters from its address, those given: as typed without surrounding
    spaces, a number in full-width characters read as a form reads it (a Chinese input
    method's 星级 １ was refused as no whole number)."""
    return {
        name: value.strip() if name in DAY_FILTERS else typed(value)
        for name, value in asked.items()
        if value and value.strip()
    }


# what `printable` refuses, shown back as U+FFFD (�) in a form refused for it: the
# character was invisible (a vertical tab, an escape) or dropped by the browser (a NUL)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Form:
    """A submitted form: text fields, and files when it was multipart. `refused`: a text
    holding a control character (`read_kept_form`), raised by `check`; until then its
    values are read with each such character shown as U+FFFD, to be written back."""

    def __init__(self, data: FormData, refused: DomainError | None = None) -> None:
        self._data = data
        self.refused = refused

    def check(self) -> None:
        """The control-character refusal `read_kept_form` found, naming its field: raised
        by the handler where its other refusals are (the form shown again with what was
        typed and the refusal at the field), before it acts on any value."""
        if self.refused is not None:
            raise self.refused

    def _text(self, value: str) -> str:
        return _CONTROL.sub("\ufffd", value) if self.refused is not None else value

    def get(self, name: str, default: str = "") -> str:
        value = self._data.get(name)
        return typed(self._text(value)) if isinstance(value, str) else default

    def optional(self, name: str) -> str | None:
        return self.get(name) or None

    def flag(self, name: str) -> bool:
        return self.get(name) in ("on", "true", "1")

    def file(self, name: str, limit: int) -> bytes | None:
        """An uploaded file's bytes (None: none chosen); refused past `limit` bytes."""
        value = self._data.get(name)
        if not isinstance(value, UploadFile) or not value.filename:
            return None
        content = value.file.read(limit + 1)
        if len(content) > limit:
            raise DomainError(ErrorCode.INVALID, f"must be at most {limit // 1024} KB", name)
        return content

    def file_name(self, name: str) -> str | None:
        """The name an uploaded file had on the sender's computer (its last part only)."""
        value = self._data.get(name)
        if not isinstance(value, UploadFile) or not value.filename:
            return None
        return value.filename.replace("\\", "/").rsplit("/", 1)[-1][:100] or None

    def all(self, name: str) -> list[str]:
        """Every value of a field sent more than once (the boxes ticked in a list)."""
        return [
            typed(self._text(v))
            for v in self._data.getlist(name)
            if isinstance(v, str) and v.strip()
        ]

    def values(self) -> dict[str, str]:
        """Every text field as sent, but a number typed in full-width characters read as
        that number (as `get`) and spaces alone as nothing typed (an amount of two spaces
        was refused as no number, not as required); a password exactly as typed."""
        return {
            key: value if "password" in key else _ascii_number(value) if value.strip() else ""
            for key, raw in self._data.items()
            if isinstance(raw, str)
            for value in (self._text(raw),)
        }


# The fields a form sends more than once: the rows ticked in a list (`Form.all`). Any
# other field sent twice (`amount=1.00&amount=50.00`, a forged or hand-edited form) is
# refused naming it, as the API refuses a key given twice and the pages an address's
# parameter: the last value was taken, 50.00 withdrawn where 1.00 was shown.
LISTED = frozenset({"ids"})


def _twice(data: FormData) -> DomainError | None:
    given = Counter(name for name, _ in data.multi_items())
    for name, count in given.items():
        if count > 1 and name not in LISTED:
            return DomainError(ErrorCode.INVALID, TWICE, address_name(name))
    return None


async def read_form(request: Request) -> Form:
    """The form, refused whole (naming the field) if a text holds a control character
    other than a tab or a line break (a NUL reached PostgreSQL, which refuses it: a 500),
    or if a field is sent twice (`LISTED`)."""
    data = await request.form(max_files=1, max_fields=200)
    for name, value in data.multi_items():
        if isinstance(value, str):
            _printable(value, name)
    twice = _twice(data)
    if twice is not None:
        raise twice
    return Form(data)


async def read_kept_form(request: Request) -> Form:
    """`read_form` for a form whose handler shows its refusals on the form again: a
    control character is not refused here, on the error page (what was typed lost), but
    kept as the form's `refused`, which the handler raises (`Form.check`) where it shows
    its other refusals. Such a handler calls `check` before it acts on any value
    (tests/web/test_kept_forms.py holds every one to it)."""
    data = await request.form(max_files=1, max_fields=200)
    refused = None
    for name, value in data.multi_items():
        if isinstance(value, str):
            try:
                _printable(value, name)
            except DomainError as error:
                refused = error
                break
    return Form(data, refused or _twice(data))


def _printable(value: str, field: str) -> None:
    try:
        printable(value)
    except DomainError as refused:
        refused.field = field
        raise


def check_csrf(context: Context, form: Form, session: str) -> None:
    if not hmac.compare_digest(form.get("csrf"), csrf_token(context, session)):
        raise DomainError(
            ErrorCode.FORBIDDEN, "this form has expired: reload the page and try again", "csrf"
        )


def resent(error: DomainError) -> DomainError:
    """A form's request id used before with other values (sent again after Back, with a
    value changed): nothing was done. Said for the whole form, not at its hidden id
    field, which has no place to show a message."""
    if error.code == ErrorCode.CONFLICT and error.field == "id":
        return DomainError(
            ErrorCode.CONFLICT,
            "this form was already sent with other values, so nothing was done: "
            "check the values and send it again",
            "form",
        )
    return error


class Refusals(DomainError):
    """Every field a form's model refused at once. The first problem is the error itself
    (its field and message: what a page showing one problem shows); `others` are the
    rest, each shown next to its own field (`problems`, the templates' `problem`)."""

    def __init__(self, problems: Sequence[DomainError]) -> None:
        first, *others = problems
        super().__init__(first.code, first.message, first.field)
        self.others = others


def problems(error: DomainError | None) -> list[DomainError]:
    """Each problem an error holds: itself, and a form's other refused fields."""
    if error is None:
        return []
    return [error, *getattr(error, "others", [])]


def _under(field: str | None, name: str) -> str | None:
    """Where in the form's field `name` a problem's field is: "" for the field itself,
    the rest of its name for a part of it (a pool's line in a text of pool names), None
    when it is elsewhere."""
    if field == name:
        return ""
    if field is not None and field.startswith(f"{name}."):
        return field.removeprefix(f"{name}.")
    return None


def said_of(error: DomainError | None, name: str) -> list[tuple[str, DomainError]]:
    """The problems with the form's field `name` (a text of several entries, a block of
    TOML, may hold several), each with the part of the field it is about ("" for all)."""
    found = ((_under(one.field, name), one) for one in problems(error))
    return [(part, one) for part, one in found if part is not None]


def elsewhere(error: DomainError | None, fields: Sequence[str]) -> list[DomainError]:
    """The problems with no field on the form (`fields`): said above it."""
    return [
        one for one in problems(error) if all(_under(one.field, name) is None for name in fields)
    ]


templates.globals.update(said_of=said_of, elsewhere=elsewhere)


def build(model: type[M], data: Mapping[str, Any], prefix: str = "") -> M:
    """A request model from form fields, or every problem with them (Refusals, a
    DomainError naming the first field), each shown next to its field."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise Refusals(errors_from_validation(error, prefix)) from None


# ---------------------------------------------------------------------------- errors


BAD_LINK = "this link is not valid: go back to your page and open it from there"


SESSION_ENDED = "invalid or expired session; sign in again"  # as the API says it


class PageRoute(APIRoute):
    """A route whose failures are pages: a missing session goes to sign in, a refusal
    is shown in words with its status, never as JSON. A route declared to answer JSON
    (`response_class=JSONResponse`: the dashboard's data, the pickers), which a page's
    script reads, answers its failures in the API's one shape instead (`_as_json`). A
    plain endpoint runs in the project's thread pool, as the API's do (`on_the_loop`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, on_the_loop(endpoint), **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if self.response_class is JSONResponse:
            return _as_json(handler)

        async def handle(request: Request) -> Response:
            try:
                _printable_query(request)
                return await handler(request)
            except SignInRequired as needed:
                if needed.where == "member":
                    # a form sent from a page whose token has ended (signed out in another
                    # tab, run out): said not carried out, nothing having moved
                    unsent = request.method not in ("GET", "HEAD")
                    return render(request, "member/expired.html", status=401, unsent=unsent)
                if request.method not in ("GET", "HEAD"):
                    # a form sent once the session had ended: signed in again, back to
                    # the page it was sent from (its own address takes a POST only: the
                    # user landed on "not found"), told that nothing was done
                    back = _same_site_page(request) or "/console"
                    return see_other(f"/console/login?next={quote(back)}&unsent=1")
                back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return see_other(f"/console/login?next={quote(back)}")
            except DomainError as error:
                return error_page(request, error)
            except RequestValidationError as error:
                if request.url.path == "/m" or request.url.path.startswith("/m/"):
                    # a consumer reached a bad address by a link: plain words, never
                    # pydantic's own English about types and patterns
                    return error_page(request, DomainError(ErrorCode.INVALID, BAD_LINK, None))
                first = error.errors()[0]
                if first["loc"][0] == "path":  # /console/simulations/nosuch: no such page
                    missing = DomainError(ErrorCode.NOT_FOUND, "there is no such page", None)
                    return error_page(request, missing)
                problem = error_from_details(first)
                # named without the address's part (path, query…) it was found in
                problem.field = ".".join(str(part) for part in first["loc"][1:]) or None
                return error_page(request, problem)
            except ClientDisconnect:
                # the browser left before sending the whole form (a double click sends it
                # again at once): no one reads an answer, nothing was done, and it is no fault
                return Response(status_code=400)
            except HTTPException:
                raise  # the app's own answers (404, 405): its pages say them
            except Exception:
                # a fault of ours (a bug, a lost database): logged with its traceback as
                # the API logs it, and said as a page in the reader's language, not as JSON
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                return fault_page(request)

        return handle


def _as_json(
    handler: Callable[[Request], Coroutine[Any, Any, Response]],
) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """A console address a script reads (JSON): a refusal is `{code, message, field}` in
    the reader's language, as the API answers it (the HTML error page was unreadable to
    the script), and an ended session a 401 in that shape, not the sign-in page."""

    async def handle(request: Request) -> Response:
        try:
            _printable_query(request)
            return await handler(request)
        except SignInRequired:
            code = ErrorCode.UNAUTHORIZED
            return error_response(STATUS[code], code, SESSION_ENDED, request=request)
        except DomainError as error:
            return error_response(
                STATUS[error.code], error.code, error.message, error.field, request=request
            )
        except RequestValidationError as error:
            message, field = refused_request(error)
            return error_response(422, ErrorCode.INVALID, message, field, request=request)
        except ClientDisconnect:
            return Response(status_code=400)
        except HTTPException:
            raise
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return error_response(500, "internal", FAULT, request=request)

    return handle


def _printable_query(request: Request) -> None:
    """A query string's values hold no control character (a NUL in a search reached
    PostgreSQL, which refuses it: a 500), and no parameter is given twice, refused naming
    it as the API refuses it (`?status=paid&status=refunded` listed the refunded orders
    alone, the first value dropped unsaid; no page's link or form repeats one); the
    member page says so in plain words."""
    given = Counter(name for name, _ in request.query_params.multi_items())
    for name, value in request.query_params.multi_items():
        try:
            _printable(value, name)
            if given[name] > 1:  # counted once: thousands of names cost no more than one
                raise DomainError(ErrorCode.INVALID, of_address(name, TWICE), address_field(name))
        except DomainError:
            if request.url.path == "/m" or request.url.path.startswith("/m/"):
                raise DomainError(ErrorCode.INVALID, BAD_LINK, None) from None
            raise


FAULT = "something went wrong on our side; it is logged"


def fault_page(request: Request) -> HTMLResponse:
    """A 500 of ours, as the console's or the member page's error page."""
    member = request.url.path.startswith("/m")
    return render(
        request,
        "member/error.html" if member else "console/error.html",
        status=500,
        error=DomainError(ErrorCode.INVALID, FAULT, None),
        fault=True,
        error_page=True,
        expired=False,
        form_page="/m" if member else "/console",
    )


def error_page(request: Request, error: DomainError) -> HTMLResponse:
    member = request.url.path.startswith("/m")
    return render(
        request,
        "member/error.html" if member else "console/error.html",
        status=STATUS[error.code],
        error=error,
        error_page=True,  # the page is the error: the layout does not say it again
        # a form whose CSRF token is stale: one sentence, and the way back to the form
        expired=error.field == "csrf",
        form_page=_same_site_page(request) or ("/m" if member else "/console"),
    )


def _back_here(request: Request) -> str:
    """Where the language switch comes back to: the page with its search (a GET's); for a
    form's answer (a refusal shown at the address the form posts to, which answers no GET:
    /console/pools/main/subsidy), the page the form was sent from. The switch led a
    refused form's reader to "Not found"."""
    if request.method == "GET":
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    return _same_site_page(request) or request.url.path


def _same_site_page(request: Request) -> str | None:
    """The page a form was sent from (its Referer), when it is a page of this site."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc:
        return None
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    return local_path(path, "") or None
