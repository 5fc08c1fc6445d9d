"""export jobs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 23:55:00.000000

Exports made by a job (portal.exports): who asked, the filters, the lease of the worker that builds
it, its progress, and the file's name and retention.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'ready', 'failed', 'expired', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_by', sa.String(length=128), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stored_name', sa.String(length=128), nullable=True),
    sa.Column('download_name', sa.String(length=128), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_export_job_requested_by_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_job'))
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.create_index('ix_export_job_requested_by', ['requested_by_id', 'requested_at'], unique=False)
        batch_op.create_index('ix_export_job_status', ['status', 'locked_until'], unique=False)


def downgrade():
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_index('ix_export_job_status')
        batch_op.drop_index('ix_export_job_requested_by')
    op.drop_table('export_job')
