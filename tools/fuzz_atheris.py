"""Coverage-guided fuzzing of the SOP loader with atheris (issue 18), beside the Hypothesis
harness in ``tests/test_robust_fuzz.py``.

``python tools/fuzz_atheris.py [CORPUS_DIR ...] -max_total_time=60`` (``make fuzz``): libFuzzer
mutates bytes, starting from the corpus of invalid SOP files (``tests/corpus/invalid``) and the
example SOPs, and feeds each input to ``lint_text``. Any exception other than a returned list of
findings is a crash: the loader must answer every input with findings, bounded in size. A crash
writes ``crash-<hash>`` in the working directory; add it to ``tests/corpus/invalid`` with the
finding it should give.

atheris ships binary wheels for CPython on Linux x86_64 (3.0.0 for 3.11 at the time of
writing); it lives in the ``fuzz`` dependency group so other platforms are not held back. The
SOP text is only parsed, never executed.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from sop_engine import lint_text

MAX_MESSAGE = 5000


def one_input(data: bytes) -> None:
    """Lint one input: findings (possibly none), never an exception, never a huge message."""
    findings = lint_text(data, name="fuzz.yaml")
    for f in findings:
        text = f.format("en")
        if len(text) > MAX_MESSAGE:
            raise AssertionError(f"finding {f.code} is {len(text)} characters long")


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
