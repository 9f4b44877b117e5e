"""A parameter given twice in a console page's address is refused naming it, in the
reader's language, as the API refuses it (docs/service.md, "Errors"): the orders'
`?status=paid&status=refunded` listed the refunded orders alone, the first value dropped
without a word. Every page is walked, with the parameters it offers (its forms, its
links, what it declares), as tests/service/test_console_address_parameters.py walks
them. A member page's address with a parameter twice is a bad link. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_address_parameters import (
    RECORDED_CHOICES,
    Parameter,
    _a_tenant_with_lists,
    _console_pages,
    _declared_parameters,
    _parameters,
    _said,
)
from tests.service.test_console_pages import sign_in
from zengzhi.i18n import Translator
from zengzhi.service.base import Context

SAID = {
    "en": "address parameter '{0}': is given more than once",
    "zh": "地址参数 “{0}”：出现了不止一次",
}


def _two(parameter: Parameter) -> list[str]:
    """Two values of the kind the parameter takes (the same twice where it takes one)."""
    if len(parameter.values) >= 2:
        return parameter.values[:2]
    if parameter.values:
        return parameter.values * 2
    if parameter.kind == "day":
        return ["2026-01-01", "2026-01-02"]
    if parameter.kind in ("count", "declared", "amount"):
        return ["1", "2"]
    return ["a", "b"]


def test_every_console_page_refuses_a_parameter_given_twice(api: Api, context: Context) -> None:
    ids = _a_tenant_with_lists(api)
    sign_in(api.client, api.tenant)
    walked: dict[str, list[str]] = {}
    failures: list[str] = []
    for route in _console_pages(context):
        names = re.findall(r"\{([^}]+)\}", route.path)
        if any(name not in ids for name in names):
            continue
        path = re.sub(r"\{([^}]+)\}", lambda found: ids[found.group(1)], route.path)
        page = api.client.get(path, headers={"Accept-Language": "en"})
        if page.status_code != 200 or "text/html" not in page.headers.get("content-type", ""):
            continue
        offered = _declared_parameters(route) | _parameters(path, page.text)
        for parameter in offered.values():
            if (path, parameter.name) in RECORDED_CHOICES:
                continue
            first, second = _two(parameter)
            for language in ("en", "zh"):
                answer = api.client.get(
                    f"{path}?{parameter.name}={first}&{parameter.name}={second}",
                    headers={"Accept-Language": language},
                    follow_redirects=False,
                )
                said = _said(answer.text)
                t = Translator(language)
                word = t(f"field.{parameter.name}") if t.has(f"field.{parameter.name}") else ""
                expected = SAID[language].format(parameter.name)
                if answer.status_code != 422 or expected not in said or word not in said:
                    failures.append(
                        f"{path} {parameter.name} {language}: {answer.status_code} {said!r}"
                    )
            walked.setdefault(path, []).append(parameter.name)
    assert failures == []
    assert {"status", "sort", "order", "page", "since", "q"} <= {
        name for found in walked.values() for name in found
    }, walked
    # the orders' filter: both statuses given, neither applied silently
    twice = api.client.get(
        "/console/orders?status=paid&status=refunded", headers={"Accept-Language": "zh"}
    )
    assert twice.status_code == 422
    assert "地址参数 “status”：出现了不止一次（状态）" in _said(twice.text)
    # once is taken as before; a parameter the page does not take is still left alone
    assert api.client.get("/console/orders?status=paid&bogus=1").status_code == 200


def test_a_member_page_address_with_a_parameter_twice_is_a_bad_link(api: Api) -> None:
    api.pool()
    api.member("m1")
    issued = api.ok(api.post("/v1/members/m1/page-token", {"minutes": 30}))
    enter_member_page(api.client, issued)
    assert api.client.get("/m/history?before=5").status_code == 200
    twice = api.client.get("/m/history?before=5&before=6", headers={"Accept-Language": "zh"})
    assert twice.status_code == 422
    assert "此链接无效" in twice.text
