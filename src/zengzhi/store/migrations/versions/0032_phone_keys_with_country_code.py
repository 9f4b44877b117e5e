"""phone keys with their country code: one phone, one key

`one_account_per_phone` claims a phone's key (store/security.py `phone_key`). The key was
its digits with a leading + when given, so "13800138000", "+8613800138000" and
"008613800138000" were three phones, and one phone opened three accounts. The key is now
international: the kept claims are keyed again. Where two claims become one key (the
limit already passed that way), the first member by id keeps the claim; the others keep
their accounts and phones, and their claims go (a change of their phone claims it
again, refused while another holds it).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

_PHONES = sa.table(
    "member_phones",
    sa.column("tenant_id", sa.String),
    sa.column("phone", sa.String),
    sa.column("member_id", sa.String),
)


def phone_key(phone: str) -> str:
    """The key as this revision defined it (store/security.py `phone_key` on
    2026-12-07), kept here so that this migration does what it did whatever that
    function becomes: a later change of the key is a migration of its own."""
    digits = "".join(character for character in phone if character.isdigit())
    international = phone.strip().startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international and len(digits) == 11 and digits.startswith("1"):
        digits, international = "86" + digits, True
    if not international and len(digits) == 13 and digits.startswith("861"):
        international = True
    return ("+" if international else "") + digits


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_PHONES.c.tenant_id, _PHONES.c.phone, _PHONES.c.member_id).order_by(
            _PHONES.c.tenant_id, _PHONES.c.member_id
        )
    ).all()
    kept: dict[tuple[str, str], str] = {}
    for tenant, phone, member in rows:
        kept.setdefault((tenant, phone_key(phone)), member)
    if all(phone == phone_key(phone) for _, phone, _ in rows):
        return
    connection.execute(sa.delete(_PHONES))
    connection.execute(
        sa.insert(_PHONES),
        [
            {"tenant_id": tenant, "phone": phone, "member_id": member}
            for (tenant, phone), member in kept.items()
        ],
    )


def downgrade() -> None:
    """The keys stay international: the old ones were the loophole."""
