"""user.anonymised_at: when retention anonymised a leaver

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-05 00:30:00.000000

Retention no longer deletes a leaver's rows: it erases the name, contact details and
every free text, and keeps what the annual report counts. This column says it happened
(and keeps the job from doing it twice).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
