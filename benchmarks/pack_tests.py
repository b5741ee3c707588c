"""How long a community pack's own suite takes: on the whole catalog, as before, and on pilothouse.testing.

Both install the example pack (tests/community_pack) into a scratch directory and run the same tests
(greet, count, a refused call) in a fresh pytest process, from a suite of their own:

  whole catalog  server.testing.pytest_plugin: each test boots every built-in module, then the pack
  only the pack  pilothouse.testing.plugin: each test boots the pack, email and what the pack requires

    .venv/bin/python benchmarks/pack_tests.py [--rounds 2]

Prints, side by side with their ratio, the best wall time of a 5-test suite (what the issue timed:
the interpreter, pytest and its plugins, the imports, then the tests) and what each further test
costs (the difference between a 25-test and a 5-test suite, per test).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACK = ROOT / "tests" / "community_pack"
SIZES = (5, 25)

WHOLE = '''
pytest_plugins = ["server.testing.pytest_plugin"]
'''
WHOLE_TESTS = '''
import pytest
pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("n", range({n}))
async def test_greet(mcp, n):
    assert (await mcp.call("hello_greet", name=f"P{{n}}"))["text"] == f"Hello, P{{n}}!"
    assert await mcp.call("hello_count") == {{"count": 1}}
    assert "name" in await mcp.error("hello_greet")
'''
ONLY = '''
pytest_plugins = ["pilothouse.testing.plugin"]
'''
ONLY_TESTS = '''
import pytest


@pytest.mark.parametrize("n", range({n}))
async def test_greet(instance, n):
    assert (await instance.call("hello_greet", name=f"P{{n}}"))["text"] == f"Hello, P{{n}}!"
    assert await instance.call("hello_count") == {{"count": 1}}
    assert "name" in await instance.error("hello_greet")
'''


def suite(where: Path, conftest: str, tests: str, size: int) -> Path:
    (where / "tests").mkdir(parents=True)
    (where / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    (where / "tests" / "conftest.py").write_text(conftest)
    (where / "tests" / "test_pack.py").write_text(tests.format(n=size))
    return where


def run(where: Path, site: Path, size: int) -> float:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=where, env=env,
                          capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or f"{size} passed" not in done.stdout:
        raise SystemExit(f"the suite failed in {where}:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each suite; the best one counts")
    args = parser.parse_args()
    modes = {"whole catalog": (WHOLE, WHOLE_TESTS), "only the pack": (ONLY, ONLY_TESTS)}
    best: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                        "--target", str(site), str(PACK)], check=True, capture_output=True, timeout=300)
        suites = {(mode, size): suite(Path(scratch) / f"{mode.replace(' ', '-')}-{size}", conftest, tests, size)
                  for mode, (conftest, tests) in modes.items() for size in SIZES}
        for _ in range(args.rounds):  # interleaved, so a busy machine weighs on every suite alike
            for key, where in suites.items():
                elapsed = run(where, site, key[1])
                best[key] = min(best.get(key, elapsed), elapsed)
    small, large = SIZES
    total = {mode: best[(mode, small)] for mode in modes}
    each = {mode: (best[(mode, large)] - best[(mode, small)]) / (large - small) for mode in modes}
    print(f"the example pack's tests in a fresh pytest process, best of {args.rounds} (wall seconds)")
    print(f"  {'':<15}{f'{small} tests':>12}{'per test':>12}")
    for mode in modes:
        print(f"  {mode:<15}{total[mode]:>10.1f} s{each[mode]:>10.2f} s")
    print(f"  {'ratio':<15}{total['whole catalog'] / total['only the pack']:>10.1f} x"
          f"{each['whole catalog'] / max(each['only the pack'], 1e-3):>10.1f} x")


if __name__ == "__main__":
    main()
