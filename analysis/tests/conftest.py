"""Fixtures that make result files with the real fabricsim binary (env FABRICSIM)."""
import os
import subprocess
from pathlib import Path

import pytest

SCENARIO = Path(__file__).with_name("tiny.yaml")


@pytest.fixture(scope="session")
def fabricsim():
    """Path of the built binary; the suite fails (never skips) without it."""
    binary = os.environ.get("FABRICSIM")
    if not binary:
        pytest.fail("FABRICSIM is not set: point it at the built fabricsim binary "
                    "(ctest sets it; by hand: FABRICSIM=build/sim/app/fabricsim)")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"FABRICSIM={binary} is not an executable file")
    return binary


@pytest.fixture(scope="session")
def run_sim(fabricsim, tmp_path_factory):
    """run_sim("name", "routing.policy=spray", ...) -> path of a fresh result file."""
    folder = tmp_path_factory.mktemp("runs")

    def run(name, *overrides):
        out = folder / f"{name}.h5"
        command = [fabricsim, "run", str(SCENARIO), "-o", str(out), "--quiet"]
        for o in overrides:
            command += ["--set", o]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}:\n" \
                                     f"{done.stdout}\n{done.stderr}"
        assert out.is_file(), f"{out} was not written"
        assert not Path(str(out) + ".partial").exists()
        return out

    return run


@pytest.fixture(scope="session")
def ecmp_file(run_sim):
    return run_sim("ecmp", "routing.policy=ecmp")


@pytest.fixture(scope="session")
def spray_file(run_sim):
    return run_sim("spray", "routing.policy=spray")


@pytest.fixture(scope="session")
def plain_file(run_sim):
    """A run with no --set at all."""
    return run_sim("plain")
