"""oath: the wording of the oath and affirmation as published texts; each record keeps the words spoken

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 22:00:00.000000

Until now the wording was hard-coded (portal/oath/formulas.py) and every certificate printed it, with
"de gemeente Voorbeeld" in the third sentence whatever the portal's organisation name was. HR now
publishes the wording per formula and language (``oath_formula_text``); a record stores the words spoken
(``wording``) and the version they came from. Records from before get the wording their certificate has
printed so far (no version), so an old certificate prints exactly the same words after this migration.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

#: the hard-coded wording as certificates printed it before this migration (copied, not imported: a later
#: change to the app's model texts must not change what this migration wrote)
_THIRD = ("dat ik de voorschriften van de mij uitgereikte gedragscode voor ambtenaren van de gemeente Voorbeeld "
          "zal volgen en mij ook overigens zal gedragen zoals een goed ambtenaar betaamt en dat ik niets zal doen "
          "dat het aanzien van het ambt zal schaden.")
_LEGACY = {
    'oath': "\n".join((
        "Ik zweer dat ik de Grondwet en alle overige wetten van ons land zal eerbiedigen.",
        "Ik zweer dat ik mijn taken eerlijk en nauwgezet zal vervullen en zorgvuldig zal omgaan met informatie.",
        "Ik zweer " + _THIRD,
        "Zo waarlijk helpe mij God almachtig!",
    )),
    'affirmation': "\n".join((
        "Ik beloof dat ik de Grondwet en alle overige wetten van ons land zal eerbiedigen.",
        "Ik beloof dat ik mijn taken eerlijk en nauwgezet zal vervullen en zorgvuldig zal omgaan met informatie.",
        "Ik beloof " + _THIRD,
        "Dat verklaar en beloof ik!",
    )),
}


def upgrade():
    op.create_table('oath_formula_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('formula', sa.Enum('oath', 'affirmation', name='formula', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('is_model_text', sa.Boolean(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("language IN ('nl', 'en')", name=op.f('ck_oath_formula_text_language')),
    sa.CheckConstraint('version > 0', name=op.f('ck_oath_formula_text_version_positive')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_oath_formula_text_published_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oath_formula_text')),
    sa.UniqueConstraint('formula', 'language', 'version', name='uq_oath_formula_text_formula_language_version')
    )
    with op.batch_alter_table('oath_formula_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oath_formula_text_published_by_id'), ['published_by_id'], unique=False)

    with op.batch_alter_table('oath_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wording', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('wording_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_oath_record_wording_version_id'), ['wording_version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_oath_record_wording_version_id_oath_formula_text'), 'oath_formula_text', ['wording_version_id'], ['id'], ondelete='SET NULL')

    record = sa.table('oath_record', sa.column('formula', sa.String), sa.column('wording', sa.Text))
    for formula, wording in _LEGACY.items():
        op.execute(record.update().where(record.c.formula == formula).where(record.c.wording.is_(None))
                   .values(wording=wording))


def downgrade():
    with op.batch_alter_table('oath_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_oath_record_wording_version_id_oath_formula_text'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_oath_record_wording_version_id'))
        batch_op.drop_column('wording_version_id')
        batch_op.drop_column('wording')

    with op.batch_alter_table('oath_formula_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oath_formula_text_published_by_id'))

    op.drop_table('oath_formula_text')
