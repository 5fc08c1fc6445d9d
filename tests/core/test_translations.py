"""The English catalogue is complete: an English reader never meets a Dutch sentence by accident."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT as ROOT

CATALOGUE = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_every_text_in_the_code_has_an_english_translation(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext",
                    # without it pybabel skips folders starting with "_": templates/_macros would go unchecked
                    "--ignore-dirs=.*", "-o", str(template), "."], cwd=ROOT, check=True)
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with CATALOGUE.open("rb") as handle:
        catalogue = {message.id: message for message in read_po(handle) if message.id}
    missing = sorted(str(m) for m in wanted if m not in catalogue)
    untranslated = sorted(
        str(m) for m in wanted if m in catalogue and (
            catalogue[m].fuzzy or not all(catalogue[m].string if isinstance(catalogue[m].string, tuple)
                                          else [catalogue[m].string]))
    )
    assert missing == [], "run `make messages` and translate the new texts"
    assert untranslated == [], "translate these in messages.po"
