"""page version stamps

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 18:30:00.000000

Version stamps for the page cache (portal.core.pagecache): one per person on ``user`` and
the shared ``site`` and ``review`` stamps in ``page_version``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    page_version = op.create_table('page_version',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_page_version'))
    )
    op.bulk_insert(page_version, [{'scope': 'site', 'version': 0}, {'scope': 'review', 'version': 0}])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.BigInteger(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('page_version')
    op.drop_table('page_version')
