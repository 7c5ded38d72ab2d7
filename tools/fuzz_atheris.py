"""Coverage-guided fuzzing with atheris (issue 18), beside the Hypothesis harnesses of the
test suite: the SOP loader, the scenario reader and the public API.

    python tools/fuzz_atheris.py all --seconds 60     # make fuzz: every target, time split
    python tools/fuzz_atheris.py TARGET CORPUS_DIR [libFuzzer flags, e.g. -max_total_time=20]

The targets are in ``tools/fuzz_targets.py`` (``loader``, ``scenario``, ``api``); each must
answer any input with findings, problems, a result or a typed, bounded ``SopError`` (the API
target also checks that a refused command changed nothing). ``all`` copies each target's seeds
(``tests/corpus/invalid`` and the example SOPs; ``tests/corpus/fuzz/scenario`` and the example
scenario; ``tests/corpus/fuzz/api``) into a temporary folder, so libFuzzer's new inputs never
land in the repository, and runs each target in its own process for its share of the seconds.
A crash is kept as ``$TMPDIR/sop-fuzz-crashes/TARGET/crash-<hash>`` and the run exits 1; add
the input to the
target's corpus folder (the test suite replays every file there) with the fix.

atheris ships binary wheels for CPython on Linux x86_64 (3.0.0 for 3.11 at the time of
writing); it lives in the ``fuzz`` dependency group so other platforms are not held back.
Inputs are only parsed and passed as arguments, never executed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FLAGS = ["-rss_limit_mb=2048", "-timeout=30"]


def run_all(seconds: int) -> int:
    """Every target for its share of ``seconds``, each in its own process; 1 if any crashed."""
    from fuzz_targets import TARGETS, seeds

    share = max(seconds // len(TARGETS), 1)
    failed = []
    for name in TARGETS:
        with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as tmp:
            for k, seed in enumerate(seeds(name)):
                shutil.copyfile(seed, Path(tmp) / f"{k:03d}-{seed.name}")
            print(f"fuzzing {name} for {share} s ({len(seeds(name))} seeds)", flush=True)
            command = [sys.executable, __file__, name, tmp, f"-max_total_time={share}", *FLAGS]
            done = subprocess.run(command, cwd=tmp, check=False)
            if done.returncode != 0:
                failed.append(name)
                kept_dir = Path(tempfile.gettempdir()) / "sop-fuzz-crashes" / name
                kept_dir.mkdir(parents=True, exist_ok=True)
                for crash in Path(tmp).glob("crash-*"):
                    kept = kept_dir / crash.name
                    shutil.copyfile(crash, kept)
                    print(f"{name}: crash input saved as {kept}", flush=True)
    if failed:
        print(f"crashed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def fuzz(target: str, argv: list[str]) -> None:
    import atheris

    with atheris.instrument_imports():
        import fuzz_targets

    one_input = fuzz_targets.TARGETS[target]
    atheris.Setup([sys.argv[0], *argv], one_input)
    atheris.Fuzz()


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["all"]:
        seconds = int(args[args.index("--seconds") + 1]) if "--seconds" in args else 60
        return run_all(seconds)
    if not args or args[0] not in ("loader", "scenario", "api"):
        print(__doc__, file=sys.stderr)
        return 2
    fuzz(args[0], args[1:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
