"""gifts and invitations: what an employee reported, and the manager's or HR's decision

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-05 21:57:21.060968

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('gift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('giver_name', sa.String(length=256), nullable=True),
    sa.Column('giver_organisation', sa.String(length=256), nullable=True),
    sa.Column('work_relation', sa.Text(), nullable=False),
    sa.Column('value_band', sa.Enum('low', 'middle', 'high', 'unknown', name='value_band', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('response', sa.Enum('accepted', 'declined', 'undecided', name='response', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('asked', 'awaiting_consent', 'noted', 'declined', 'decided', name='status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('decision', sa.Enum('allowed', 'allowed_with_conditions', 'returned', 'hand_in', name='decision', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('conditions', sa.Text(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('threshold >= 0', name=op.f('ck_gift_threshold')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_gift_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_gift_owner_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gift'))
    )
    with op.batch_alter_table('gift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gift_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_gift_status'), ['status'], unique=False)
        batch_op.create_index('ix_gift_status_received_on', ['status', 'received_on'], unique=False)



def downgrade():
    with op.batch_alter_table('gift', schema=None) as batch_op:
        batch_op.drop_index('ix_gift_status_received_on')
        batch_op.drop_index(batch_op.f('ix_gift_status'))
        batch_op.drop_index(batch_op.f('ix_gift_received_on'))
        batch_op.drop_index(batch_op.f('ix_gift_owner_id'))
        batch_op.drop_index(batch_op.f('ix_gift_category'))

    op.drop_table('gift')
