"""the audit trail of one object, newest first: an index that fits it

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-05 00:20:00.000000

The review page shows a declaration's trail newest first, paged by id (``ORDER BY id DESC``).
With the index on (object_type, object_id, created_at) PostgreSQL walked the whole table
backwards along the primary key for an object with older events (59 ms on 500,000 events);
(object_type, object_id, id) gives the page in one short index range.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id', 'created_at'], unique=False)
