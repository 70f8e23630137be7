"""benchmarks/speech_ginza.py without GiNZA: it names the install command and exits with status 2."""
import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "speech_ginza.py"


def test_without_ginza_the_benchmark_names_the_install_command():
    if importlib.util.find_spec("spacy") is not None:
        pytest.skip("spaCy is installed here")
    run = subprocess.run([sys.executable, str(SCRIPT), "--ginza-python", sys.executable],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "pip install ginza ja-ginza" in run.stderr
    assert "Traceback" not in run.stderr
