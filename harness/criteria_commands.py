"""`dokiem criteria validate | list | show | coverage`."""
from __future__ import annotations

import json
import sys

from harness import check_binding, criteria, crosswalk
from harness.coverage import coverage_report
from harness.exitcodes import ExitCode
from harness.suggest import did_you_mean
from harness.yamlsource import InputError


def _print_problems(exc: InputError) -> int:
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    count = len(exc.problems)
    print(f"{count} lỗi — {count} problem(s); không ghi gì thêm (nothing else was written)", file=sys.stderr)
    return ExitCode.BAD_INPUT


def _load(args) -> criteria.Edition:
    return criteria.load_edition(args.criteria_dir, args.edition)


def _section_filter(value: str | None) -> set[int] | None:
    if not value:
        return None
    try:
        return {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise InputError([criteria.Problem("--section", 1, 1, "",
                                          f"'{value}' must be section keys like 3 or 1,4 — khóa mục phải là số")]) from None


def validate(args) -> int:
    edition = _load(args)
    judges = check_binding.problems(criteria.load_checks(args.criteria_dir))
    if judges:
        raise InputError(judges)
    counts = {}
    for c in edition.criteria:
        counts[c["method"]] = counts.get(c["method"], 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"{edition.id}: hợp lệ — valid ({len(edition.criteria)} criteria in {len(edition.sections)} sections: "
          f"{summary}; {len(edition.parameters)} parameters)")
    maps = crosswalk.load(edition.folder.parent, {edition.id: edition})
    if maps:
        print(f"{crosswalk.CROSSWALK_FILE}: hợp lệ — valid ({sum(len(m['links']) for m in maps)} links in {len(maps)} maps)")
    return ExitCode.OK


def list_criteria(args) -> int:
    edition = _load(args)
    keys = _section_filter(args.section)
    if keys is not None:
        unknown = keys - {s["key"] for s in edition.sections}
        if unknown:
            raise InputError([criteria.Problem("--section", 1, 1, "",
                                              f"unknown section {sorted(unknown)} — mục không tồn tại trong {edition.id}")])
    chosen = [c for c in edition.criteria if keys is None or c["section"] in keys]
    if args.format == "json":
        json.dump({"edition": edition.id, "criteria": chosen}, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return ExitCode.OK
    print(f"{'ID':<8} {'Mục':<4} {'BB':<3} {'TS':>4} {'Phương pháp':<10} {'Nguồn':<10} Tiêu đề")
    for c in chosen:
        mark = "có" if c["mandatory"] else ("tk" if c["informative"] else "-")
        print(f"{c['id']:<8} {c['section']:<4} {mark:<3} {c['weight']:>4} {c['method']:<10} "
              f"{c['provenance']['source']:<10} {c['title_vi']}")
    print(f"\n{len(chosen)} tiêu chí (criteria) — BB: bắt buộc (mandatory), tk: tham khảo (informative), "
          "TS: trọng số (weight)")
    return ExitCode.OK


def show(args) -> int:
    edition = _load(args)
    criterion = edition.criterion(args.id)
    if criterion is None:
        raise InputError([criteria.Problem("ID", 1, 1, args.id,
                                          f"no such criterion in {edition.id} — không có tiêu chí này; "
                                          "see `dokiem criteria list`"
                                          + did_you_mean(args.id, [c["id"] for c in edition.criteria]))])
    section = next(s for s in edition.sections if s["key"] == criterion["section"])
    checks = criteria.load_checks(args.criteria_dir)
    prov = criterion["provenance"]
    lines = [
        f"{criterion['id']} — {criterion['title_vi']}",
        f"  ({criterion['title_en']})",
        f"Phiên bản / edition:     {edition.id}",
        f"Mục / section:           {section['key']}. {section['title_vi']} ({section['title_en']})",
        f"Áp dụng / applies to:    {', '.join(criterion['applies_to'])}",
        f"Bắt buộc / mandatory:    {'có (yes)' if criterion['mandatory'] else 'không (no)'}"
        + ("  — tham khảo (informative)" if criterion["informative"] else ""),
        f"Trọng số / weight:       {criterion['weight']}",
        f"Phương pháp / method:    {criterion['method']}  (pass_rule: {criterion['pass_rule']})",
        f"Nguồn gốc / provenance:  {prov['source']}" + (f" — {prov['note']}" if prov.get("note") else ""),
        "Căn cứ / basis:",
        *[f"  - {b}" for b in criterion["basis"]],
        "Yêu cầu / requirement:",
        f"  {criterion['requirement']}",
        f"  ({criterion['requirement_en']})",
    ]
    if criterion.get("optional_feature"):
        lines.append(f"Tính năng tùy chọn / optional feature: {criterion['optional_feature']}")
    if criterion["checks"]:
        lines.append("Kiểm tra / checks:")
        for check_id in criterion["checks"]:
            check = checks.checks[check_id].data
            flags = f" [{', '.join(check['flags'])}]" if check["flags"] else ""
            lines.append(f"  - {check_id}{flags}: {check['title_vi']} ({check['title_en']})")
    if criterion.get("evidence"):
        lines.append("Bằng chứng cần nộp / evidence a tester attaches:")
        lines.append(f"  {criterion['evidence']['vi']}")
        if criterion["evidence"].get("en"):
            lines.append(f"  ({criterion['evidence']['en']})")
    print("\n".join(lines))
    return ExitCode.OK


def coverage(args) -> int:
    checks = criteria.load_checks(args.criteria_dir)
    edition = criteria.load_edition(args.criteria_dir, args.edition, checks)
    editions = [edition] + [criteria.load_edition(args.criteria_dir, e, checks)
                            for e in criteria.edition_ids(args.criteria_dir) if e != edition.id]
    report = coverage_report(edition, checks, editions, args.tests_dir)
    if args.format == "json":
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for row in report["criteria"]:
            marks = " ".join(f"{c['id']}[{'proven' if c['proven'] else 'impl' if c['implemented'] else 'missing'}]"
                             for c in row["checks"]) or "-"
            print(f"{row['id']:<8} {row['method']:<10} → {row['counted_as']:<11} {marks}")
        t = report["totals"]
        print(f"\n{t['criteria']} tiêu chí (criteria): {t['automated']} tự động (automated), {t['partial']} bán tự động "
              f"(partial), {t['manual']} thủ công (manual), {t['informative']} tham khảo (informative)")
        print(f"{t['checks_named']} kiểm tra được nêu (checks named), {t['checks_implemented']} đã cài đặt "
              f"(implemented), {t['checks_proven']} đã chứng minh (proven)")
        if report["unused_checks"]:
            print("Kiểm tra không tiêu chí nào dùng (unused checks): " + ", ".join(report["unused_checks"]))
    return _strict(report) if args.strict else ExitCode.OK


STRICT_RULES = (
    ("missing_checks", "named check(s) not implemented (no judge in checks.yaml) — chưa cài đặt"),
    ("unused_checks", "check(s) used by no criterion — không tiêu chí nào dùng"),
    ("unproven_checks", "check(s) implemented but proven by no @pytest.mark.proves test — chưa có phép "
                        "chứng minh kiểm tra có thể trượt"),
    ("counted_as_manual", "automated or partial criteria counted as manual (no proven check) — tiêu chí tự động "
                          "hoặc bán tự động bị tính là thủ công"),
)


def _strict(report: dict) -> int:
    """--strict: every named check is implemented and proven, every check is used, and no automated or
    partial criterion falls back to manual; exit 1 naming what is not."""
    failed = False
    for key, what in STRICT_RULES:
        if report[key]:
            failed = True
            print(f"--strict: {len(report[key])} {what}: " + ", ".join(report[key]), file=sys.stderr)
    return ExitCode.FAILED if failed else ExitCode.OK


COMMANDS = {"validate": validate, "list": list_criteria, "show": show, "coverage": coverage}


def dispatch(args) -> int:
    try:
        return COMMANDS[args.criteria_command](args)
    except InputError as exc:
        return _print_problems(exc)
