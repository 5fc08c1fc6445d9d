"""concerns and annual report

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-04 23:45:00.733255

Reports of suspected breaches (concern, its notes and attachments), advisers' contacts, the
annual report's explanations and frozen years, and the two new roles on ``user``.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('adviser_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=True),
    sa.Column('contact_on', sa.Date(), nullable=False),
    sa.Column('nature', sa.String(length=64), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('is_referred', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('people >= 1 AND people <= 500', name=op.f('ck_adviser_contact_people')),
    sa.ForeignKeyConstraint(['adviser_id'], ['user.id'], name=op.f('fk_adviser_contact_adviser_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adviser_contact'))
    )
    with op.batch_alter_table('adviser_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adviser_contact_adviser_id'), ['adviser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adviser_contact_contact_on'), ['contact_on'], unique=False)

    op.create_table('concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.Enum('portal', 'manager', 'adviser', 'citizen', 'anonymous_letter', 'other', name='channel', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('reporter_name', sa.String(length=256), nullable=True),
    sa.Column('is_anonymous', sa.Boolean(), nullable=False),
    sa.Column('contact_preference', sa.String(length=500), nullable=True),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('happened_when', sa.String(length=256), nullable=True),
    sa.Column('people_involved', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('received', 'confirmed', 'investigating', 'assessed', 'closed', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('receipt_due_on', sa.Date(), nullable=False),
    sa.Column('assessment_due_on', sa.Date(), nullable=False),
    sa.Column('receipt_confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('investigation_type', sa.Enum('none', 'line', 'internal', 'external', name='investigation_type', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('investigation_started_on', sa.Date(), nullable=True),
    sa.Column('investigation_ended_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('substantiated', 'unsubstantiated', 'undetermined', name='outcome', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('measure', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_concern_registered_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], name=op.f('fk_concern_reporter_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern'))
    )
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index('ix_concern_investigation_started_on', ['investigation_started_on'], unique=False)
        batch_op.create_index('ix_concern_outcome_on', ['outcome_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concern_status'), ['status'], unique=False)

    op.create_table('report_explanation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_report_explanation_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_explanation')),
    sa.UniqueConstraint('year', 'section', name='uq_report_explanation_year_section')
    )
    with op.batch_alter_table('report_explanation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_explanation_year'), ['year'], unique=False)

    op.create_table('report_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_report_year_closed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_report_year'))
    )
    op.create_table('concern_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_concern_attachment_size')),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_concern_attachment_concern_id_concern'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_concern_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_attachment'))
    )
    with op.batch_alter_table('concern_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_attachment_concern_id'), ['concern_id'], unique=False)

    op.create_table('concern_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_concern_note_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_concern_note_concern_id_concern'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_note'))
    )
    with op.batch_alter_table('concern_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_note_concern_id'), ['concern_id'], unique=False)

    # the annual report counts versions submitted per year
    with op.batch_alter_table('declaration_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_version_submitted_at'), ['submitted_at'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_integrity_officer', sa.Boolean(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('is_confidential_adviser', sa.Boolean(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('is_confidential_adviser')
        batch_op.drop_column('is_integrity_officer')

    with op.batch_alter_table('declaration_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_version_submitted_at'))

    with op.batch_alter_table('concern_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_note_concern_id'))

    op.drop_table('concern_note')
    with op.batch_alter_table('concern_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_attachment_concern_id'))

    op.drop_table('concern_attachment')
    op.drop_table('report_year')
    with op.batch_alter_table('report_explanation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_explanation_year'))

    op.drop_table('report_explanation')
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_status'))
        batch_op.drop_index(batch_op.f('ix_concern_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_concern_received_on'))
        batch_op.drop_index('ix_concern_outcome_on')
        batch_op.drop_index('ix_concern_investigation_started_on')
        batch_op.drop_index(batch_op.f('ix_concern_closed_at'))

    op.drop_table('concern')
    with op.batch_alter_table('adviser_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adviser_contact_contact_on'))
        batch_op.drop_index(batch_op.f('ix_adviser_contact_adviser_id'))

    op.drop_table('adviser_contact')
