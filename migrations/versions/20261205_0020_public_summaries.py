"""HR's public summary per version of a top official's side activity (the public register shows only these)

Revision ID: 0020
Revises: 0023
Create Date: 2026-12-05 22:00:00.000000

Art. 5 Ambtenarenwet 2017: the side activities of top officials are published. The register now
publishes a summary that HR writes or approves (function, organisation, paid or not, restrictions
in plain words), never the employee's free text or HR's conditions verbatim.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_public_summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('is_paid', sa.Boolean(), nullable=False),
    sa.Column('restrictions', sa.String(length=500), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(role) > 0', name=op.f('ck_review_public_summary_role')),
    sa.CheckConstraint('length(organisation) > 0', name=op.f('ck_review_public_summary_organisation')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_review_public_summary_approved_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], name=op.f('fk_review_public_summary_declaration_id_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['declaration_version.id'], name=op.f('fk_review_public_summary_version_id_declaration_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_public_summary')),
    sa.UniqueConstraint('version_id', name=op.f('uq_review_public_summary_version_id'))
    )
    with op.batch_alter_table('review_public_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_public_summary_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_public_summary_approved_at'), ['approved_at'], unique=False)


def downgrade():
    with op.batch_alter_table('review_public_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_public_summary_approved_at'))
        batch_op.drop_index(batch_op.f('ix_review_public_summary_declaration_id'))
    op.drop_table('review_public_summary')
