"""The zone form writes a zone's companion modes for an operator who has not read
docs/modes.md: "Add a mode" buttons, one per mode (js/modes.js shows them), and a
reference of every mode's parameters (key, meaning, how it is written, default) with
its template, in the page's language; each template, saved as it is (as the button
puts it into the text), is accepted and gives that mode at its defaults. Through the
console's pages (TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest

from tests.service.conftest import Api
from tests.service.test_console_pages import checked, sign_in
from tests.web.test_mode_parameters import params_class
from zengzhi.engine.config import read_toml
from zengzhi.engine.zones import parse_zone
from zengzhi.i18n import Translator
from zengzhi.rules.modes.common import MODES
from zengzhi.web.console import mode_help
from zengzhi.web.console.config import _toml_value


def templates(page: str) -> dict[str, str]:
    """Each mode's template as the page shows it (what the button inserts)."""
    found = re.findall(r'<pre class="mode-template" id="template-(\w+)">(.*?)</pre>', page, re.S)
    return {mode: html.unescape(text) for mode, text in found}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_zone_form_offers_every_mode_and_lists_its_parameters(api: Api, language: str) -> None:
    sign_in(api.client, api.tenant)
    api.client.get(f"/language/{language}")
    t = Translator(language)
    page = api.client.get("/console/config/zones/new")
    assert page.status_code == 200
    text = page.text
    assert '<div class="mode-add" id="mode-add" role="group"' in text  # shown by the script
    assert '<script src="/static/js/modes.js"></script>' in text
    assert "docs/modes.md" not in text
    assert t("item_hint.zone.modes") in html.unescape(text)
    assert f"<summary>{t('mode_form.parameters')}</summary>" in text
    assert sorted(templates(text)) == sorted(MODES)
    for mode in MODES:
        name = t(f"mode_name.{mode}")
        assert re.search(
            rf'<button type="button" class="small" data-mode="{mode}" aria-controls="f-modes">'
            rf"{re.escape(html.escape(t('mode_form.add_one', mode=name)))}</button>",
            text,
        ), mode
        for key, default in mode_help.defaults(mode).items():
            row = re.search(rf'<tr role="row" data-param="{mode}\.{key}">(.*?)</tr>', text, re.S)
            assert row is not None, (mode, key)
            cells = [
                html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
            ]
            assert cells == [
                key,
                t(mode_help.means_key(mode, key, t)),
                mode_help.form(mode, key, t),
                t("mode_form.absent") if default is None else _toml_value(default),
            ]
            assert re.search(rf"^(# )?{key}( =|:) ", templates(text)[mode], re.M), (mode, key)
    # a product's form has its own values, not the zone's modes: no buttons there
    product = api.client.get("/console/config/products/new").text
    assert 'id="mode-add"' not in product and "modes.js" not in product


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_template_saved_as_it_is_gives_its_mode_at_its_defaults(
    api: Api, language: str
) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get(f"/language/{language}")
    shown = templates(api.client.get("/console/config/zones/new").text)
    every = ""
    for mode in MODES:
        template = shown[mode] + "\n"
        assert "#" in template  # its comments, in the page's language, are read as nothing
        form = checked(
            api.client,
            "/console/config/zones",
            {"csrf": csrf, "id": f"z-{mode}", "completion_delay_days": "0", "modes": template},
        )
        saved = api.client.post("/console/config/zones", data=form, follow_redirects=False)
        assert saved.status_code == 303, saved.text
        modes = api.ok(api.get(f"/v1/zones/z-{mode}"))["modes"]
        assert [name for name, value in modes.items() if value is not None] == [mode]
        assert getattr(parse_zone(modes), mode) == params_class(mode)()
        # the zone's page shows it back as the form writes modes: the template's values
        again = api.client.get(f"/console/config/zones/z-{mode}").text
        area = re.search(r'<textarea id="f-modes"[^>]*>(.*?)</textarea>', again, re.S)
        assert area is not None
        assert read_toml(html.unescape(area.group(1))) == read_toml(template)
        every = (every + "\n\n" if every else "") + shown[mode]  # as the buttons add them
    form = checked(
        api.client,
        "/console/config/zones",
        {"csrf": csrf, "id": "z-all", "completion_delay_days": "0", "modes": every},
    )
    saved = api.client.post("/console/config/zones", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    parsed = parse_zone(api.ok(api.get("/v1/zones/z-all"))["modes"])
    assert all(getattr(parsed, mode) == params_class(mode)() for mode in MODES)
