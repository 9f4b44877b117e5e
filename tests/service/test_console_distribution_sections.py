"""The distribution page writes the settings for an operator who has not read
docs/distribution.md, as the zone form writes modes (web/console/mode_help.py): "Add a
section" buttons, one per part (js/modes.js shows them), and a reference of every
part's parameters (key, meaning, how it is written, default) with its template, in the
page's language; each template, saved as it is (as the button puts it into the text),
is accepted and gives that part at its defaults. Through the console's pages
(TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest

from tests.service.conftest import Api
from tests.service.test_console_pages import checked, sign_in
from tests.service.test_console_zone_modes import templates
from zengzhi.engine.config import DistributionConfig, read_toml
from zengzhi.i18n import Translator
from zengzhi.web.console import mode_help
from zengzhi.web.console.config import _toml_value

PAGE = "/console/config/distribution"
ADDED = [part for part in mode_help.PARTS if part != "team_levels"]  # inside [team]


def cells(page: str, part: str, key: str) -> list[str]:
    row = re.search(rf'<tr role="row" data-param="{part}\.{key}">(.*?)</tr>', page, re.S)
    assert row is not None, (part, key)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_page_offers_every_section_and_lists_its_parameters(api: Api, language: str) -> None:
    sign_in(api.client, api.tenant)
    api.client.get(f"/language/{language}")
    t = Translator(language)
    text = api.client.get(PAGE).text
    assert '<div class="mode-add" id="mode-add" role="group"' in text  # shown by the script
    assert '<script src="/static/js/modes.js"></script>' in text
    assert "docs/distribution.md" not in text
    assert t("distribution_form.hint") in html.unescape(text)
    assert f"<summary>{t('distribution_guide.parameters')}</summary>" in text
    assert html.escape(t("distribution_guide.add")) in text
    assert sorted(templates(text)) == sorted(ADDED)
    for part in mode_help.PARTS:
        name = t(f"distribution_guide.part.{part}")
        button = re.search(
            rf'<button type="button" class="small" data-mode="{part}"'
            rf' aria-controls="f-distribution"( data-keys="binding overflow")?>'
            rf"{re.escape(html.escape(t('distribution_guide.add_one', mode=name)))}</button>",
            text,
        )
        assert (button is not None) == (part in ADDED), part
        if button is not None:
            assert (button.group(1) is not None) == (part == "general"), part
        required = mode_help.part_required(part)
        for key, default in mode_help.part_defaults(part).items():
            if key in required:
                shown = t("mode_form.required")
            else:
                shown = t("mode_form.absent") if default is None else _toml_value(default)
            assert cells(text, part, key) == [
                key,
                t(mode_help.part_means_key(part, key, t)),
                mode_help.part_form(part, key, t),
                shown,
            ]
            if part in ADDED:
                assert re.search(rf"^(# )?{key}( =|:) ", templates(text)[part], re.M), (part, key)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_template_saved_as_it_is_gives_its_part_at_its_defaults(
    api: Api, language: str
) -> None:
    csrf = sign_in(api.client, api.tenant)
    api.client.get(f"/language/{language}")
    shown = templates(api.client.get(PAGE).text)
    every = ""
    for part in ADDED:
        template = shown[part] + "\n"
        assert "#" in template  # its comments, in the page's language, are read as nothing
        form = {"csrf": csrf, "distribution": template}
        saved = api.client.post(PAGE, data=checked(api.client, PAGE, form), follow_redirects=False)
        assert saved.status_code == 303, saved.text
        now = DistributionConfig.model_validate(api.ok(api.get("/v1/distribution")))
        example = mode_help.EXAMPLES.get(part, {})
        if part == "general":
            assert now == DistributionConfig()
        elif part == "dividends":
            assert now == DistributionConfig.model_validate({part: [example]})
        else:
            assert now == DistributionConfig.model_validate({part: example})
        # the page shows it back as the form writes the settings: the template's values
        again = api.client.get(PAGE).text
        area = re.search(r'<textarea id="f-distribution"[^>]*>(.*?)</textarea>', again, re.S)
        assert area is not None
        back = read_toml(html.unescape(area.group(1)))
        assert DistributionConfig.model_validate(back) == now
        # as the buttons add them: the general keys first, each section at the end
        every = shown[part] + "\n\n" + every if part == "general" else every + "\n\n" + shown[part]
    form = {"csrf": csrf, "distribution": every}
    saved = api.client.post(PAGE, data=checked(api.client, PAGE, form), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    now = DistributionConfig.model_validate(api.ok(api.get("/v1/distribution")))
    examples = {part: mode_help.EXAMPLES.get(part, {}) for part in ADDED if part != "general"}
    examples["dividends"] = [examples["dividends"]]  # type: ignore[list-item]
    assert now == DistributionConfig.model_validate(examples)
