"""The benchmark's slapd: the tests' server, loaded quickly with every employee in it."""

from __future__ import annotations

import atexit
import subprocess

from tests.support.slapd import SlapdServer, _free_port, _require


class BenchSlapd(SlapdServer):
    """slapadd in quick mode (no per-entry sync and checks: 10,000 entries in seconds, not minutes),
    and a database map large enough for them."""

    def _prepare(self) -> None:
        _require("slapd")
        slapadd = _require("slapadd")
        self.port = _free_port()
        data_dir = self.workdir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._conf.write_text(self._slapd_conf(data_dir).replace("maxsize 16777216", "maxsize 1073741824"))
        result = subprocess.run([slapadd, "-q", "-f", str(self._conf), "-l", str(self.ldif_path)],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"slapadd failed for {self.ldif_path}:\n{result.stderr}")
        self._prepared = True
        atexit.register(self.stop)
