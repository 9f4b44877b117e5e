"""An account of the ledger as a person reads it: `member:u1:wallet` is "u1's wallet"
(会员 u1 的零钱), `platform:profit` the platform's profit (平台利润).

Each shape of name that `core/accounts.py` builds is matched here, the most specific
first, and written through the catalogue's `[account]` table with the ids it holds; a
name of no known shape is shown as it is (tests/web/test_account_names.py holds every
builder of `core/accounts.py` to a shape here).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from zengzhi.core.accounts import points_asset
from zengzhi.rules.modes.common import ASSETS

# (shape, catalogue key): `member`, `pool`, `store`, `zone`, `mode`, `other` are ids
SHAPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^member:(?P<member>.+):converted_cash_paid_back$", "member_converted_paid_back"),
        (r"^member:(?P<member>.+):converted_cash_paid$", "member_converted_paid"),
        (r"^member:(?P<member>.+):converted_(?P<other>[a-z]+)_back$", "member_converted_back"),
        (r"^member:(?P<member>.+):converted_(?P<other>[a-z]+)$", "member_converted"),
        (r"^member:(?P<member>.+):owes:(?P<other>.+)$", "member_owes"),
        (r"^member:(?P<member>.+):points:(?P<pool>.+)$", "member_points"),
        (r"^member:(?P<member>.+):wallet$", "member_wallet"),
        (r"^member:(?P<member>.+):withdrawing$", "member_withdrawing"),
        (r"^member:(?P<member>.+):debt$", "member_debt"),
        (r"^member:(?P<member>.+):contribution$", "member_contribution"),
        (r"^member:(?P<member>.+):shares$", "member_shares"),
        (r"^member:(?P<member>.+):(?P<mode>[a-z_]+):(?P<zone>[^:]+)$", "member_mode"),
        (r"^mode:(?P<zone>.+):(?P<mode>[a-z_]+):reserve$", "mode_reserve"),
        (r"^mode:(?P<zone>.+):(?P<mode>[a-z_]+):issued$", "mode_issued"),
        (r"^pool:(?P<pool>.+):supply$", "pool_supply"),
        (r"^pool:(?P<pool>.+)$", "pool_cash"),
        (r"^merchant:(?P<store>.+)$", "merchant"),
    )
)


_POINTS = points_asset("")  # a pool's points: this prefix and the pool's id


def pool_of_points(asset: str) -> str | None:
    """The pool whose points `asset` is; None for another asset."""
    return asset.removeprefix(_POINTS) if asset.startswith(_POINTS) else None


_MODE_OF_ASSET = {code: mode for mode, code in ASSETS.items()}


def mode_of_asset(asset: str) -> tuple[str, str] | None:
    """(mode, zone) of a companion mode's promise asset (`UNION:club`: the union queue's
    credits in zone club, rules/modes/common.py); None for another asset."""
    code, colon, zone = asset.partition(":")
    mode = _MODE_OF_ASSET.get(code)
    return None if mode is None or not colon or not zone else (mode, zone)


def account_name(account: str, say: Callable[..., str], has: Callable[[str], bool]) -> str:
    """`account` in the language of `say` (a Translator): a fixed account by its own
    entry (`account.platform:profit`), a member's, pool's, store's or mode's by its shape;
    any other as it is."""
    fixed = f"account.{account}"
    if has(fixed):
        return say(fixed)
    for shape, key in SHAPES:
        found = shape.match(account)
        if found is not None:
            values = found.groupdict()
            if key == "member_owes":  # its creditor, named too (会员 A 欠 积分抵扣)
                values["other"] = account_name(values["other"], say, has)
            if "mode" in values and has(f"mode_name.{values['mode']}"):
                values["mode"] = say(f"mode_name.{values['mode']}")
            elif "mode" in values:
                continue  # not a mode's name: another shape, or none
            return say(f"account.{key}", **values)
    return account
