"""oath_record.source and certificate_number: oaths taken before the portal, imported from HR's file

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-05 22:00:00.000000

Records made at a ceremony in the portal are ``ceremony`` (every existing row); records read
from HR's CSV (``flask portal import-oaths`` or the upload page) are ``imported`` and keep the
number of the certificate issued back then. The portal prints no certificate for those.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('oath_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='ceremony', nullable=False))
        batch_op.add_column(sa.Column('certificate_number', sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(op.f('ck_oath_record_record_source'), "source IN ('ceremony', 'imported')")


def downgrade():
    with op.batch_alter_table('oath_record', schema=None) as batch_op:
        batch_op.drop_constraint('ck_oath_record_record_source', type_='check')
        batch_op.drop_column('certificate_number')
        batch_op.drop_column('source')
