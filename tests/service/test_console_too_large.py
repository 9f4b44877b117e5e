"""A form past the body limit sent to the console or the member page is refused (413) on
their error page, in the reader's language (the 中文 / English choice first, as every
page): it answered the API's JSON, in the language of `Accept-Language` alone, which a
browser shows raw. The API keeps its JSON (tests/security/test_limits.py). On SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from zengzhi.web.pages import LANGUAGE_COOKIE

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _alert(page: str) -> str:
    found = re.search(r'role="alert">(?:<p>)?(.*?)</p>', page, re.S)
    assert found is not None, page[-1500:]
    return html.unescape(found.group(1))


def test_a_form_past_the_limit_is_refused_on_the_pages_own_error_page(api: Api) -> None:
    limit = api.client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]
    api.pool()
    audited = api.ok(api.get("/v1/audit-log"))
    csrf = sign_in(api.client, api.tenant)
    big = b"csrf=" + csrf.encode() + b"&reason=" + b"x" * limit

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b"csrf=" + csrf.encode() + b"&reason="
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    for language, said in (
        ("zh", f"请求体超过允许的 {limit} 字节"),
        ("en", f"the request body is larger than the {limit} bytes accepted"),
    ):
        api.client.cookies.set(LANGUAGE_COOKIE, language)
        for path, body in (
            ("/console/pools/main/pause", big),
            ("/console/pools/main/pause", chunks()),
            ("/m/withdraw/quote", big),
        ):
            # the browser's languages say otherwise: the reader's choice is the page's
            other = {"Accept-Language": "en" if language == "zh" else "zh-CN"}
            refused = api.client.post(path, content=body, headers=FORM | other)
            assert refused.status_code == 413, (path, refused.text[:300])
            assert refused.headers["content-type"].startswith("text/html"), refused.text[:300]
            assert said in _alert(refused.text), (path, language)
            heading = "提交的内容过大" if language == "zh" else "What was sent is too large"
            assert heading in refused.text and "error.too_large" not in refused.text
            assert f'<html lang="{"zh-CN" if language == "zh" else "en"}"' in refused.text
    assert api.ok(api.get("/v1/audit-log")) == audited  # nothing was done
