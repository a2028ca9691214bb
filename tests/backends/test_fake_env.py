"""The fake backend reaches worker processes without hiding the real packages from them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import audio_support as support

ROOT = Path(__file__).resolve().parents[2]


def test_fake_env_puts_only_the_fake_backend_on_the_path(monkeypatch, tmp_path):
    """``tests/`` on ``PYTHONPATH`` let ``tests/web`` (a namespace folder) win over the editable install's
    ``web``; now a process started under ``fake_env`` finds the fake backend and the real ``web``."""
    support.fake_env(monkeypatch, tmp_path)
    code = (
        "import web, fake_backend, reader.backends as b\n"
        "print(web.__file__)\n"
        "print(b.get_backend('fake').synthesize('river bridge', b.SpeechOptions()).sample_rate)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=dict(os.environ), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    where, rate = done.stdout.split()
    # the real package: the source tree's in an editable install, site-packages' in an installed wheel (CI)
    assert Path(where).parts[-2:] == ("web", "__init__.py"), where
    assert ROOT / "tests" not in Path(where).parents, where
    assert rate == "16000"
    assert str(ROOT / "tests") not in os.environ["PYTHONPATH"].split(os.pathsep)
