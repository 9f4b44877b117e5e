"""A bad address on the member page (a consumer's link) is refused in plain words in the
reader's language, never pydantic's English (report F8)."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_page_notices import _member_page


def test_a_bad_history_link_is_said_in_plain_words(api: Api) -> None:
    client = _member_page(api)
    client.get("/language/zh")
    for asked in ("abc", "-1", "1e3"):
        answer = client.get("/m/history", params={"before": asked})
        assert answer.status_code == 422, asked
        main = answer.text.split("<main")[1]
        assert "Input should" not in main and "integer" not in main, main
        assert "此链接无效" in main and 'href="/m"' in main
    client.get("/language/en")
    english = client.get("/m/history", params={"before": "abc"}).text.split("<main")[1]
    assert "this link is not valid" in english and "Input should" not in english


def test_a_history_page_past_the_first_links_back_to_the_newest(api: Api) -> None:
    client = _member_page(api)
    client.get("/language/zh")
    first = client.get("/m/history").text.split("<main")[1]
    assert "← 最新" not in first
    later = client.get("/m/history", params={"before": "1"}).text.split("<main")[1]
    assert '<a href="/m/history">← 最新</a>' in later
