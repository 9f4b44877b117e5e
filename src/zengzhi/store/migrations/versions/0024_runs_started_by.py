"""runs.started_by: who started a background run, checked before a queued one starts

A dry run or a simulation queued for a worker started whenever one claimed it, even
after the API key that started it was revoked or its user disabled: work in the name
of someone no longer allowed. A run now keeps who started it (`key:<id>`,
`user:<name>`), and a worker claiming it marks it failed, not started, when that key
is revoked, that user disabled or no longer allowed to configure. Runs started before
keep NULL and start as before.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("runs", sa.Column("started_by", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("runs", "started_by")
