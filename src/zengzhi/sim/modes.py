"""The companion modes in a simulation: members doing ad tasks and paying with shopping
points, each zone's daily run, and each mode's promises against its reserve, day by day.

Like the rest of the simulator it only decides what members do; every effect is an
event through the engine, and every figure is read back from the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from zengzhi.core import accounts
from zengzhi.core.amounts import Ratio, format_minor, ratio_text
from zengzhi.core.events import CompleteTask, Event, OrderLine, RunDay
from zengzhi.core.ledger import Entry, Ledger
from zengzhi.rules.modes import shopping
from zengzhi.rules.modes.common import UNITS_PER_FEN, ModePaid, asset, scaled
from zengzhi.rules.modes.zone import ZoneModes, liabilities

DAILY = {"refer_three", "quota", "green", "union", "three_for_one"}


def key(zone: str, mode: str) -> str:
    """How a mode of a zone is named in the tables: "union@u"."""
    return f"{mode}@{zone}"


class ModeRun:
    def __init__(
        self,
        ledger: Ledger,
        zones: dict[str, ZoneModes],
        task_share: Ratio,
        use_shopping_points: bool,
        chance: Callable[[Ratio], bool],
    ) -> None:
        self.ledger = ledger
        self.zones = zones
        self._task_share = task_share
        self._use_points = use_shopping_points
        self._chance = chance
        self._ad_holders: dict[str, dict[int, str]] = {
            name: {} for name, modes in zones.items() if modes.ads is not None
        }
        self._daily = [name for name, modes in zones.items() if DAILY & set(modes.configured())]
        self.paid_today: dict[str, int] = {}
        self.paid_total: dict[str, int] = {}

    @property
    def active(self) -> bool:
        return bool(self.zones)

    # ------------------------------------------------------------------ orders

    def shopping_points(self, member: str, line: OrderLine) -> int:
        """What the member pays of this line in shopping points: all they may."""
        if not self._use_points or line.zone is None:
            return 0
        params = self.zones[line.zone].shopping
        if params is None or params.max_share is None:
            return 0
        cap = scaled(params.max_share, line.amount) * UNITS_PER_FEN
        held = shopping.balance(self.ledger, member)
        return min(cap, held) // UNITS_PER_FEN * UNITS_PER_FEN

    def bought(self, member: int, member_id: str, line: OrderLine) -> None:
        if line.zone in self._ad_holders:
            self._ad_holders[line.zone][member] = member_id

    # ------------------------------------------------------------------ days

    def day(self, day: int, when: date, apply: Callable[[Event], object]) -> None:
        """The day's ad tasks, then each zone's daily run."""
        for zone, holders in self._ad_holders.items():
            code = asset(zone, "ads")
            for member, member_id in list(holders.items()):
                held = self.ledger.balance(accounts.mode_holding(member_id, zone, "ads"), code)
                if held < UNITS_PER_FEN:
                    del holders[member]  # nothing left to release (until they buy again)
                elif self._chance(self._task_share):
                    apply(CompleteTask(f"t{zone}-{member}-{day}", member_id, zone, when))
        for zone in self._daily:
            apply(RunDay(f"d{zone}-{day}", zone, when))

    # ------------------------------------------------------------------ counting

    def count(self, payment: ModePaid) -> None:
        """Cash a mode paid a member, among its mode's payments."""
        self._add(key(payment.zone, payment.mode), payment.fen)

    def spent(self, one: Entry) -> None:
        """Shopping points spent on orders: what they paid (their face value) counts as
        the mode's payment, though a discount, not cash (members' `paid` stays what they
        received)."""
        fen = sum(a for _, code, a in one.postings if a > 0) // UNITS_PER_FEN
        self._add(key("*", "shopping"), fen)

    def _add(self, name: str, fen: int) -> None:
        self.paid_today[name] = self.paid_today.get(name, 0) + fen
        self.paid_total[name] = self.paid_total.get(name, 0) + fen

    def columns(self) -> dict[str, str]:
        """Each mode's figures for the day's row; the day's payments start again at 0."""
        row: dict[str, str] = {}
        for found in liabilities(self.ledger, self.zones):
            name = key(found.zone, found.mode)
            row[f"{name}_paid"] = format_minor(self.paid_today.get(name, 0), 2)
            row[f"{name}_owed"] = format_minor(found.owed, 2)
            row[f"{name}_reserve"] = format_minor(found.reserve, 2)
            row[f"{name}_coverage"] = (
                ratio_text(max(found.reserve, 0), found.owed) if found.owed else ""
            )
        self.paid_today = {}
        return row

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for owed in liabilities(self.ledger, self.zones):
            name = key(owed.zone, owed.mode)
            found[f"{name}_paid"] = format_minor(self.paid_total.get(name, 0), 2)
            found[f"{name}_owed"] = format_minor(owed.owed, 2)
            found[f"{name}_reserve"] = format_minor(owed.reserve, 2)
            found[f"{name}_coverage"] = (
                ratio_text(max(owed.reserve, 0), owed.owed) if owed.owed else ""
            )
            found[f"{name}_backed"] = owed.backed
        return found

    def names(self) -> list[str]:
        return [key(found.zone, found.mode) for found in liabilities(self.ledger, self.zones)]
