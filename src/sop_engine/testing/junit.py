"""``sop test --junit-xml``: the verdict of one run as a JUnit XML report for CI systems.

CI servers (GitLab, Jenkins, GitHub test reporters, Azure) show a JUnit report as a list of
tests with their failures, so a policy officer's broken rule appears in the merge request like
a failing unit test. One ``testcase`` per invariant (built-in or declared) under a ``testsuite``
named after the SOP: a held invariant passes; the one that failed carries a ``failure`` whose
text is the shortest scenario found (numbered steps, as ``sop test`` prints it) and the command
that replays it; an invariant switched off by the SOP is ``skipped`` with its reason; the others
of a failing run are ``skipped`` too (the exploration stops at the first failure, so they were
not fully explored). An invalid SOP file is one failing ``lint`` testcase; ``--min-coverage``
adds a ``coverage`` testcase. Written with the standard library (ElementTree escapes every text),
from the same document ``--format json`` prints, so both carry the same facts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from sop_engine._core.i18n import Msg
from sop_engine._core.text import Lang

__all__ = ["junit_xml"]


def _say(message: Msg, lang: Lang) -> str:
    return message.render(lang)


def junit_xml(doc: dict[str, Any], lang: Lang) -> str:
    """The JUnit XML text of one ``sop test`` run, given its ``--format json`` document."""
    name = str(doc.get("sop") or doc["sop_file"])
    suite = ET.Element("testsuite", name=f"sop test {name}")
    props = ET.SubElement(suite, "properties")
    for key in ("sop_file", "sop_hash", "mode", "seed", "max_examples", "max_steps"):
        if doc.get(key) is not None:
            ET.SubElement(props, "property", name=key, value=str(doc[key]))
    cases: list[ET.Element] = []

    def case(case_name: str) -> ET.Element:
        element = ET.Element("testcase", classname=f"sop.{name}", name=case_name)
        cases.append(element)
        return element

    if doc["status"] == "invalid":
        lint = case("lint")
        lines = [
            str(f.get("message", f)) if not f.get("code") else _finding(f) for f in doc["findings"]
        ]
        failure = ET.SubElement(
            lint,
            "failure",
            type="InvalidSop",
            message=_say(Msg("the SOP file has {n} error(s)", n=len(lines)), lang),
        )
        failure.text = "\n".join(lines)
    failed = doc.get("failure")
    for inv in doc["invariants"]:
        test = case(inv["name"])
        status = inv["status"]
        if status == "failed" and failed is not None:
            failure = ET.SubElement(
                test,
                "failure",
                type="InvariantViolated",
                message=f"{failed['title']} [{failed['invariant']}]: {failed['detail']}",
            )
            replay = _say(Msg("Replay it with: {command}", command=failed["replay_command"]), lang)
            failure.text = f"{failed['scenario']}\n\n{replay}\n"
        elif status == "switched_off":
            ET.SubElement(
                test,
                "skipped",
                message=_say(Msg("switched off by this SOP: {reason}", reason=inv["reason"]), lang),
            )
        elif status == "unfinished":
            ET.SubElement(
                test,
                "skipped",
                message=_say(
                    Msg(
                        "not fully explored: the exploration stops at the first failing "
                        "invariant ({name})",
                        name=failed["invariant"] if failed else "",
                    ),
                    lang,
                ),
            )
    if doc.get("min_coverage") is not None and doc.get("coverage") is not None:
        test = case("coverage")
        got = doc["coverage"]["ratio"] * 100
        if doc["status"] == "coverage_below":
            ET.SubElement(
                test,
                "failure",
                type="CoverageBelow",
                message=_say(
                    Msg(
                        "coverage {got:.0f}% is below the required {want:.0f}%",
                        got=got,
                        want=doc["min_coverage"],
                    ),
                    lang,
                ),
            )
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", "0")
    suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    suite.extend(cases)
    suites = ET.Element("testsuites")
    suites.append(suite)
    for key in ("tests", "failures", "errors", "skipped"):
        suites.set(key, suite.get(key, "0"))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _finding(f: dict[str, Any]) -> str:
    where = ":".join(str(f[k]) for k in ("path", "line", "column") if f.get(k) is not None)
    return f"{where}: {f.get('code')} {f.get('message')}".strip(": ")
