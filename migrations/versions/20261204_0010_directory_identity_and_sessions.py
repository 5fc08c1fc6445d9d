"""directory identity, returning people, server-side sessions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:50:00.000000

``user.directory_id``: the directory's stable id (objectGUID, entryUUID), so that a renamed
account stays the same person; filled in at each person's first sign-in or sync after the
upgrade. ``user.left_reason``: why someone was marked as left (a person marked by hand is not
brought back by the sync). ``user_session``: one row per sign-in, ended at sign-out, so that an
old cookie is dead on every app server. ``directory_refusal``: a service account whose password
the directory refused, so that no app server tries it again until an administrator does.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directory_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('left_reason', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_directory_id'), ['directory_id'])
    op.create_table('user_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session'))
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    op.create_table('directory_refusal',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('refused_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint', name=op.f('pk_directory_refusal'))
    )


def downgrade():
    op.drop_table('directory_refusal')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_directory_id'), type_='unique')
        batch_op.drop_column('left_reason')
        batch_op.drop_column('directory_id')
