"""payouts.package_info: WeChat Pay's package for the payee's confirmation

A WeChat Pay transfer (商家转账) waits for its payee to confirm receiving it
(WAIT_USER_CONFIRM) in the shop's app, which opens WeChat's confirmation page with
`wx.requestMerchantTransfer` and the `package_info` WeChat Pay answered the transfer with.
It was not kept, so no payee could confirm, and every such transfer stayed `paying` until
WeChat Pay closed it a day later (docs/payments.md).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("payouts", sa.Column("package_info", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("payouts", "package_info")
