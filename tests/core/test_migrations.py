"""The migrations are the only way the schema is made: they must match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_migrations_and_models_agree(app):
    """No drift: autogenerate against a migrated database finds nothing to do."""
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_have_a_single_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    config = Config(str(app.extensions["migrate"].directory) + "/alembic.ini")
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"merge the migration branches: {heads}"
