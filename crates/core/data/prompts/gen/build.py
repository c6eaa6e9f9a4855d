"""Write ../labelled.jsonl from the per-kind modules.

Run: python3 build.py (from this folder). Output is deterministic. Each line is
{"id", "label", "lang", "request"}; ids are p0001.. in module order, and ids whose
last digit is 0, 1 or 2 form the held-out split (never used while tuning).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import agent  # noqa: E402
import chat  # noqa: E402
import coding  # noqa: E402
import data_analysis  # noqa: E402
import reasoning  # noqa: E402
import summarize  # noqa: E402

KINDS = [
    ("chat", chat.ITEMS),
    ("summarize", summarize.ITEMS),
    ("code", coding.ITEMS),
    ("data_analysis", data_analysis.ITEMS),
    ("agent", agent.ITEMS),
    ("reasoning", reasoning.ITEMS),
]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "labelled.jsonl")
    rows = []
    for label, items in KINDS:
        for lang, request in items:
            rows.append({"id": f"p{len(rows) + 1:04d}", "label": label, "lang": lang, "request": request})
    with open(out, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    non_en = sum(1 for r in rows if r["lang"] != "en")
    print(f"{len(rows)} prompts, {non_en} non-English ({100 * non_en / len(rows):.0f}%), {os.path.getsize(out)} bytes")
    for label, items in KINDS:
        print(f"  {label}: {len(items)}")


if __name__ == "__main__":
    main()
