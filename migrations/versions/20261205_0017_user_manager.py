"""users: the manager from the directory (``manager_dn``) and the DN in one spelling (``dn_key``)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 22:10:00.000000

A manager attribute holds a DN, which the directory may spell with other case or escapes than
the manager's own entry; both sides are kept normalised so that they can be matched by index.
"""
import re

from alembic import op
import sqlalchemy as sa
from ldap3.utils.dn import parse_dn

_DN_ESCAPE = re.compile(rb"\\([0-9a-fA-F]{2}|.)", re.DOTALL)


def dn_key(dn):
    """The DN in one spelling, as portal.auth.models.dn_key made it on 2026-12-05 (kept here as it was)."""
    if not dn:
        return None
    try:
        parts = []
        for attribute, value, separator in parse_dn(dn, escape=False, strip=True):
            raw = _DN_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]) if len(m[1]) == 2 else m[1], value.encode("utf-8"))
            parts.append(f"{attribute.strip().lower()}={raw.decode('utf-8', errors='replace').strip().lower()}")
            parts.append("+" if separator == "+" else ",")
        return "".join(parts[:-1])[:1024]
    except Exception:  # noqa: BLE001
        return dn.strip().lower()[:1024]

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dn_key', sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column('manager_dn', sa.String(length=1024), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_dn_key'), ['dn_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_manager_dn'), ['manager_dn'], unique=False)
    users = sa.table('user', sa.column('id', sa.Integer), sa.column('dn', sa.String), sa.column('dn_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.dn)).all()
    for user_id, dn in rows:
        connection.execute(users.update().where(users.c.id == user_id).values(dn_key=dn_key(dn)))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_manager_dn'))
        batch_op.drop_index(batch_op.f('ix_user_dn_key'))
        batch_op.drop_column('manager_dn')
        batch_op.drop_column('dn_key')
