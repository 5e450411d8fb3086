"""JUnit XML of a run for CI: one test case per criterion, class = its section, message = its reason.

Rendered from compliance.json like every other output, with the same status as the Allure result
(allure.status), so a CI test tab, Allure and the record name the same criteria as failing.
Allure `failed` → <failure>, `broken` (inconclusive) → <error>, `skipped` and `unknown` (a tester's
part pending) → <skipped>.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.report.allure import status


# characters XML 1.0 cannot carry at all (a reason may quote a target's raw bytes)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def render(doc: dict) -> bytes:
    sections = {s["key"]: s for s in doc["edition"]["sections"]}
    run = doc["run"]
    suite = ET.Element("testsuite", name=f"dokiem {doc['edition']['id']}", timestamp=run["started"],
                       time=f"{run['duration_s']:.3f}", hostname=doc["target"].get("system") or "")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("run", run["id"]), ("edition", doc["edition"]["id"]),
                        ("certified", str(doc["certification"]["certified"]).lower()),
                        ("demo", str(run["demo"]).lower()), ("partial", str(run["partial"]).lower()),
                        ("exit_code", str(doc["exit_code"]))):
        ET.SubElement(properties, "property", name=name, value=value)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for criterion in doc["criteria"]:
        section = sections[criterion["section"]]
        duration = sum(t.get("duration_s") or 0 for c in criterion["checks"] for t in c.get("tests", []))
        case = ET.SubElement(suite, "testcase", classname=f"Mục {section['key']}. {section['title_vi']}",
                             name=_clean(f"{criterion['id']} {criterion['title_vi']}"), time=f"{duration:.3f}")
        counts["tests"] += 1
        verdict = _clean(f"{criterion['verdict']}: {criterion['reason']}")
        kind = status(doc, criterion)
        if kind == "failed":
            ET.SubElement(case, "failure", message=verdict, type=criterion["verdict"]).text = verdict
            counts["failures"] += 1
        elif kind == "broken":
            ET.SubElement(case, "error", message=verdict, type=criterion["verdict"]).text = verdict
            counts["errors"] += 1
        elif kind in ("skipped", "unknown"):
            ET.SubElement(case, "skipped", message=verdict)
            counts["skipped"] += 1
        else:
            ET.SubElement(case, "system-out").text = verdict
    for key, value in counts.items():
        suite.set(key, str(value))
    ET.indent(suite)
    return ET.tostring(suite, encoding="utf-8", xml_declaration=True) + b"\n"


def write(doc: dict, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(doc))
