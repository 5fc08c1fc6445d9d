"""review: advice requests to the employee's manager (review_advice_request)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 22:30:00.000000

One row per question of a reviewer to a manager about a subject (a side activity now, a gift
later), with the manager's opinion and explanation. At most one open question per subject.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_advice_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('subject_revision', sa.Integer(), nullable=True),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('asked', 'answered', 'withdrawn', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('opinion', sa.Enum('no_objection', 'conditional', 'objection', name='opinion', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(question) > 0', name=op.f('ck_review_advice_request_question')),
    sa.CheckConstraint('manager_id <> employee_id', name=op.f('ck_review_advice_request_not_own_manager')),
    sa.CheckConstraint("(status = 'answered') = (answered_at IS NOT NULL AND opinion IS NOT NULL)", name=op.f('ck_review_advice_request_answered')),
    sa.CheckConstraint("(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name=op.f('ck_review_advice_request_withdrawn')),
    sa.CheckConstraint("opinion IS NULL OR opinion = 'no_objection' OR explanation IS NOT NULL", name=op.f('ck_review_advice_request_explained')),
    sa.ForeignKeyConstraint(['asked_by_id'], ['user.id'], name=op.f('fk_review_advice_request_asked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['user.id'], name=op.f('fk_review_advice_request_employee_id_user')),
    sa.ForeignKeyConstraint(['manager_id'], ['user.id'], name=op.f('fk_review_advice_request_manager_id_user')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_review_advice_request_withdrawn_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_advice_request'))
    )
    with op.batch_alter_table('review_advice_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_advice_request_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index('ix_review_advice_request_manager', ['manager_id', 'status', 'asked_at'], unique=False)
        batch_op.create_index('ix_review_advice_request_subject', ['subject_kind', 'subject_id', 'asked_at'], unique=False)
        batch_op.create_index('uq_review_advice_request_subject_open', ['subject_kind', 'subject_id'], unique=True,
                              sqlite_where=sa.text("status = 'asked'"), postgresql_where=sa.text("status = 'asked'"))


def downgrade():
    with op.batch_alter_table('review_advice_request', schema=None) as batch_op:
        batch_op.drop_index('uq_review_advice_request_subject_open', sqlite_where=sa.text("status = 'asked'"),
                            postgresql_where=sa.text("status = 'asked'"))
        batch_op.drop_index('ix_review_advice_request_subject')
        batch_op.drop_index('ix_review_advice_request_manager')
        batch_op.drop_index(batch_op.f('ix_review_advice_request_employee_id'))

    op.drop_table('review_advice_request')
