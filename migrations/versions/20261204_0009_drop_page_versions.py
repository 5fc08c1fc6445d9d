"""drop the page cache's version stamps

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:59:00.000000

The page cache is gone (pages are built from scratch, fast enough without it), and with it
the ``page_version`` table and ``user.page_version``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('page_version')
    op.drop_table('page_version')


def downgrade():
    page_version = op.create_table('page_version',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_page_version'))
    )
    op.bulk_insert(page_version, [{'scope': 'site', 'version': 0}, {'scope': 'review', 'version': 0}])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_version', sa.BigInteger(), server_default='0', nullable=False))
