"""How search_probe drives the target: for the run's sample (the same procedures catalogue_sample
judges), search each by a distinctive word of its name — as written (NFC), without diacritics and
in NFD — and filter by each sampled agency, sector and level, through search_procedures.

Each query and what it returned is recorded, with its time; nothing here judges.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable

from harness.api import ConfigurationError
from harness.judging import now_iso
from suites.catalogue.observe import catalogue_summary, draw_sample, list_catalogue
from suites.catalogue.procedures import entries
from harness.judging import fold, has_marks, nfc, strip_marks

RESULT_KEYS = ("code", "name", "level", "agency_code", "agency_name", "sector_code", "sector_name")
FILTERS = (("agency", "agency_code"), ("sector", "sector_code"), ("level", "level"))


def word_frequency(all_names: Iterable[str]) -> Counter:
    """How many of the catalogue's names each folded word appears in."""
    return Counter(word for other in all_names for word in set(fold(other).split()))


def distinctive_word(name: str, all_names: Iterable[str] = (), *, frequency: Counter | None = None) -> str | None:
    """The word of `name` that the fewest catalogue names share, preferring one with diacritics
    (so the query without them differs) and then a longer one; None for a name without words.

    `frequency` is word_frequency(all_names), given when it serves many names of one catalogue."""
    words = [w for w in re.findall(r"\w+", nfc(name)) if not w.isdigit()]
    # many portals ignore queries shorter than 3 letters: use a shorter word only when there is no other
    words = [w for w in words if len(fold(w)) >= 3] or [w for w in words if len(fold(w)) >= 2]
    if not words:
        return None
    if frequency is None:
        frequency = word_frequency(all_names)
    return min(words, key=lambda w: (not has_marks(w), frequency[fold(w)], -len(w), words.index(w)))


def keyword_variants(word: str) -> list[tuple[str, str]]:
    """The word as written (NFC), without diacritics, and in NFD; a variant equal to the NFC word
    is left out (a word without diacritics has only one form)."""
    variants = [("nfc", nfc(word)), ("khong_dau", strip_marks(word)), ("nfd", unicodedata.normalize("NFD", word))]
    return [variants[0]] + [(k, v) for k, v in variants[1:] if v != variants[0][1]]


def search(client, kind: str, variant: str | None, inputs: dict, expect: list[str]) -> dict:
    query = {"kind": kind, "variant": variant, "inputs": inputs, "expect": expect, "status": None, "ok": False,
             "error": None, "elapsed_ms": None, "results": [], "count": 0}
    try:
        result = client.call("search_procedures", **inputs)
    except ConfigurationError as exc:
        query["error"] = str(exc)
        return query
    query.update(status=result.status, elapsed_ms=round(result.elapsed_ms, 1))
    raw = result.vars.get("procedures")
    if not result.ok:
        query["error"] = result.describe()
    elif not isinstance(raw, list):
        query["error"] = ("search_procedures answered but its 'procedures' value is not a list — check "
                          "operations.search_procedures.returns.procedures in the profile")
    else:
        found = entries(raw)
        query.update(ok=True, count=len(found), results=[{k: item.get(k) for k in RESULT_KEYS} for item in found])
    return query


def observe(scenario, run_id: str) -> dict:
    observations = {"run_id": run_id, "started": now_iso(), "finished": None, "queries": [], "errors": []}
    client = scenario.client(None)
    catalogue = list_catalogue(client)
    observations["catalogue"] = catalogue_summary(catalogue)
    chosen = draw_sample(catalogue, scenario, run_id)
    observations["sample"] = [{k: p.get(k) for k in (*RESULT_KEYS, "why")} for p in chosen]
    frequency = word_frequency(item.get("name") or "" for item in catalogue["entries"])
    for proc in chosen:
        word = distinctive_word(proc.get("name") or "", frequency=frequency)
        if word is None:
            observations["errors"].append(f"{proc['code']}: no word to search for in its name {proc.get('name')!r}")
            continue
        for variant, text in keyword_variants(word):
            observations["queries"].append(search(client, "keyword", variant, {"keyword": text}, [proc["code"]]))
    for kind, key in FILTERS:
        values = sorted({p.get(key) for p in chosen if p.get(key) is not None}, key=str)
        for value in values:
            expect = [p["code"] for p in chosen if p.get(key) == value]
            observations["queries"].append(search(client, kind, None, {key: value}, expect))
    observations["finished"] = now_iso()
    return observations
