"""financial interests: a holding or a transaction in securities (bought/sold, with its date; no amounts)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 00:50:00.000000

Art. 8 lid 2 Ambtenarenwet 2017: in designated functions, holdings of and transactions in
securities that can touch the service's interests are reported. A version now says which case
it is (``interest_event``); a transaction needs its date (``transaction_on``) instead of
"since when". Versions from before stay holdings (``interest_event`` NULL counts as holding).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_SIDE_AND_INTEREST_OLD = {
    'interest_fields': "kind = 'financial_interest' OR (interest_kind IS NULL AND entity IS NULL AND relation_to_work IS NULL AND acquired_on IS NULL AND ended_on IS NULL)",
    'interest_complete': "submitted_at IS NULL OR kind <> 'financial_interest' OR (interest_kind IS NOT NULL AND entity IS NOT NULL AND relation_to_work IS NOT NULL AND acquired_on IS NOT NULL)",
}
_NEW = {
    'interest_fields': "kind = 'financial_interest' OR (interest_event IS NULL AND interest_kind IS NULL AND entity IS NULL AND relation_to_work IS NULL AND acquired_on IS NULL AND transaction_on IS NULL AND ended_on IS NULL)",
    'interest_complete': "submitted_at IS NULL OR kind <> 'financial_interest' OR (interest_kind IS NOT NULL AND entity IS NOT NULL AND relation_to_work IS NOT NULL AND (((interest_event IS NULL OR interest_event = 'holding') AND acquired_on IS NOT NULL) OR (interest_event IN ('bought', 'sold') AND transaction_on IS NOT NULL)))",
}


def upgrade():
    with op.batch_alter_table('declaration_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_event', sa.Enum('holding', 'bought', 'sold', name='interest_event', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('transaction_on', sa.Date(), nullable=True))
        for name, condition in _NEW.items():
            batch_op.drop_constraint(op.f(f'ck_declaration_version_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_declaration_version_{name}'), condition)


def downgrade():
    with op.batch_alter_table('declaration_version', schema=None) as batch_op:
        for name, condition in _SIDE_AND_INTEREST_OLD.items():
            batch_op.drop_constraint(op.f(f'ck_declaration_version_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_declaration_version_{name}'), condition)
        batch_op.drop_column('transaction_on')
        batch_op.drop_column('interest_event')
