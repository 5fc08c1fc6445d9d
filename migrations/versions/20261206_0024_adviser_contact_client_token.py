"""adviser_contact.client_token: the same contact form sent twice logs one line

Revision ID: 0024
Revises: 0019
Create Date: 2026-12-06 18:00:00.000000

Each rendered contact form carries a random token; the unique key makes a second request with it
(a double click, a resend) write nothing. Existing lines have none (NULL: never a conflict).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('adviser_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_adviser_contact_client_token'), ['client_token'])


def downgrade():
    with op.batch_alter_table('adviser_contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_adviser_contact_client_token'), type_='unique')
        batch_op.drop_column('client_token')
