"""Markdown tables from one bench/run.py result document (the median round of
each lane and arm), with ratios against bare Envoy and the issue's targets."""

from __future__ import annotations

import re
from pathlib import Path

BARE = "envoy"
SB = "switchboard"


def _f(v, digits=0, unit=""):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}{unit}"


def _us(v):
    return "–" if v is None else f"{v:,.0f}"


def _ratio(a, b):
    if a is None or not b:
        return None
    return a / b


def _lanes(doc, kind):
    return [l for l in doc["summary"] if l.startswith(kind + "-")]


def peak_rps(doc, arm):
    vals = [doc["summary"][l][arm]["rps"] for l in _lanes(doc, "wrk") if arm in doc["summary"][l]]
    return max(vals) if vals else None


def _micro(doc, name, near_bytes=None):
    rows = [r for r in doc.get("micro", {}).get("results", []) if r["name"] == name]
    if near_bytes is not None and rows:
        rows = [min(rows, key=lambda r: abs(r["bytes"] - near_bytes))]
    return rows[0] if rows else None


def targets(doc) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, how, met)."""
    s = doc["summary"]
    out = []
    peak = {a: peak_rps(doc, a) for a in doc["arms"]}

    def ratio_target(what, arm, need):
        r = _ratio(peak.get(SB), peak.get(arm))
        out.append((what, "–" if r is None else f"{r:,.2f}×",
                    f"peak req/s over the sweep, {SB} {_f(peak.get(SB))} vs {arm} {_f(peak.get(arm))}",
                    None if r is None else r >= need))

    ratio_target("throughput ≥ 0.80× bare Envoy (full policy path)", BARE, 0.80)
    r = _ratio(peak.get("switchboard-anthropic"), peak.get(BARE))
    if r is not None:
        out.append(("(same, Anthropic upstream: translation both ways)", f"{r:,.2f}×",
                    f"peak req/s {_f(peak.get('switchboard-anthropic'))} vs {_f(peak.get(BARE))}", r >= 0.80))
    ratio_target("≥ 9× Portkey per core", "portkey", 9)
    ratio_target("≥ 100× LiteLLM per core", "litellm", 100)

    c1 = s.get("wrk-c1", {})
    if SB in c1 and "direct" in c1:
        added = c1[SB]["p99_us"] - c1["direct"]["p99_us"]
        out.append(("added p99 at c=1 over direct ≤ 150 µs", f"{added:,.0f} µs",
                    f"p99 {c1[SB]['p99_us']:,.0f} vs {c1['direct']['p99_us']:,.0f} µs (wrk, 2 KB body)",
                    added <= 150))
    cls = [m for m in (_micro(doc, "classify_chat", 2048), _micro(doc, "classify_code")) if m]
    if cls:
        worst = max(cls, key=lambda m: m["ns_per_op"])
        out.append(("classify ≤ 20 µs", f"{worst['ns_per_op'] / 1000:,.1f} µs",
                    "microbench, worst 2 KB body (" + ", ".join(
                        f"{m['name']} {m['ns_per_op'] / 1000:,.1f} µs" for m in cls) + ")",
                    worst["ns_per_op"] <= 20_000))
    else:
        out.append(("classify ≤ 20 µs", "–", "classify not benchmarked", None))
    sse = _micro(doc, "sse_anthropic_to_openai_event_per_chunk")
    if sse:
        out.append(("SSE ≤ 5 µs per event", f"{sse['per_event_ns'] / 1000:,.2f} µs",
                    "microbench: Anthropic → OpenAI stream translator, one event per chunk",
                    sse["per_event_ns"] <= 5000))
    st = s.get("stream-c1", {})
    for arm in (SB, "switchboard-anthropic"):
        if arm in st and "direct" in st:
            added = st[arm]["ttft_p50_us"] - st["direct"]["ttft_p50_us"]
            over_bare = (st[arm]["ttft_p50_us"] - st[BARE]["ttft_p50_us"]) if BARE in st else None
            out.append((f"added time to first token ≤ 200 µs ({arm})", f"{added:,.0f} µs",
                        f"TTFT p50 over direct at c=1; over bare Envoy {_us(over_bare)} µs", added <= 200))
    for name in ("translate_request_openai_to_anthropic", "translate_request_openai_to_openai"):
        m = _micro(doc, name, 1 << 20)
        if m:
            out.append((f"1 MB rewrite ≤ 5 ms ({name.split('_to_')[1]})", f"{m['ns_per_op'] / 1e6:,.2f} ms",
                        f"microbench, {m['bytes']:,} byte body", m["ns_per_op"] <= 5e6))
    cfg = _micro(doc, "config_load_500_models_10k_keys")
    if cfg:
        out.append(("config load ≤ 200 ms (500 models, 10k keys)", f"{cfg['ns_per_op'] / 1e6:,.1f} ms",
                    f"microbench, {cfg['bytes']:,} bytes of JSON", cfg["ns_per_op"] <= 200e6))
    return out


def render(doc) -> str:
    f, st, s, arms = doc["facts"], doc["settings"], doc["summary"], doc["arms"]
    L = doc["labels"]
    lines = [f"### Results: `{doc['mode']}` run, {f['date']}", ""]
    lines.append(
        f"Machine: {f['nproc']} cores ({f['cpu']}), {f['mem_gib']} GiB, Linux {f['kernel']}. "
        f"Envoy {f['envoy']}, LiteLLM {f['litellm']}, Portkey {f['portkey']} on Node {f['node']}, "
        f"{f['wrk']}. Switchboard {f['git']}{' (+ uncommitted changes)' if f['git_dirty'] else ''}, "
        f".wasm {_f((f['wasm_bytes'] or 0) / 1024)} KiB.")
    lines.append(
        f"Settings: {st['rounds']} round(s); sweep c = {', '.join(map(str, st['sweep']))} for "
        f"{st['duration']:g} s each; streams c = {', '.join(map(str, st['stream'])) or 'none'} for "
        f"{st['stream_duration']:g} s each; warm-up {st['warmup']:g} s per arm; wall time {doc['wall_s']:.0f} s, "
        f"of which {doc.get('quiet_wait_s', 0):.0f} s waiting for other load on the machine to pass. "
        "Figures are from the median round (by throughput) of each lane and arm.")
    bad = {a: v for a, v in doc["sanity"].items() if v != "ok"}
    if bad:
        lines.append("")
        for a, v in bad.items():
            lines.append(f"- **{a} left out**: {v.splitlines()[0][:300]}")
    lines.append("")

    # Throughput.
    wl = _lanes(doc, "wrk")
    if wl:
        lines += ["#### Throughput (req/s, 2 KB request body; × bare Envoy)", "",
                  "| arm | " + " | ".join(f"c={s[l][next(iter(s[l]))]['conc']}" for l in wl) + " | peak |",
                  "|---|" + "---:|" * (len(wl) + 1)]
        bare_peak = peak_rps(doc, BARE)
        for a in arms:
            cells = []
            for l in wl:
                r = s[l].get(a)
                if not r:
                    cells.append("–")
                    continue
                ratio = _ratio(r["rps"], s[l].get(BARE, {}).get("rps"))
                err = f" ⚠{r['errors']} err" if r["errors"] else ""
                cells.append(f"{r['rps']:,.0f}" + (f" ({ratio:.2f}×)" if ratio is not None and a != BARE else "") + err)
            pk = peak_rps(doc, a)
            pr = _ratio(pk, bare_peak)
            cells.append(_f(pk) + (f" ({pr:.2f}×)" if pr is not None and a != BARE else ""))
            lines.append(f"| {L[a]} | " + " | ".join(cells) + " |")
        lines.append("")

    # Latency at c=1 and at the top concurrency.
    lat_lanes = [(l, t) for l, t in (("wrk-c1", "Latency at c=1 (µs)"),
                                      (wl[-1] if wl else None, "Latency at the highest concurrency (µs)"))
                 if l in s]
    if len(lat_lanes) == 2 and lat_lanes[0][0] == lat_lanes[1][0]:
        lat_lanes = lat_lanes[:1]
    for lane, title in lat_lanes:
        rows = s[lane]
        d, b = rows.get("direct"), rows.get(BARE)
        lines += [f"#### {title}: {lane}", "",
                  "| arm | p50 | p90 | p99 | p99.9 | added p50 / p99 over direct | added p50 / p99 over bare Envoy |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for a in arms:
            r = rows.get(a)
            if not r:
                continue
            od = f"{r['p50_us'] - d['p50_us']:,.0f} / {r['p99_us'] - d['p99_us']:,.0f}" if d and a != "direct" else "–"
            ob = f"{r['p50_us'] - b['p50_us']:,.0f} / {r['p99_us'] - b['p99_us']:,.0f}" if b and a not in ("direct", BARE) else "–"
            lines.append(f"| {L[a]} | {_us(r['p50_us'])} | {_us(r['p90_us'])} | {_us(r['p99_us'])} | "
                         f"{_us(r['p999_us'])} | {od} | {ob} |")
        lines.append("")

    # Streaming.
    for lane in _lanes(doc, "stream"):
        rows = s[lane]
        d, b = rows.get("direct"), rows.get(BARE)
        conc = rows[next(iter(rows))]["conc"]
        lines += [f"#### Streaming, c={conc}: 200 content events per answer (µs unless noted)", "",
                  "| arm | streams/s | TTFB p50 | TTFT p50 | TTFT p99 | whole stream p50 | added TTFT p50 over direct / bare | gateway CPU per event (ns) | added per event over bare (ns) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for a in arms:
            r = rows.get(a)
            if not r:
                continue
            add_d = f"{r['ttft_p50_us'] - d['ttft_p50_us']:,.0f}" if d and a != "direct" else "–"
            add_b = f"{r['ttft_p50_us'] - b['ttft_p50_us']:,.0f}" if b and a not in ("direct", BARE) else "–"
            ev = r.get("gw_cpu_ns_per_event")
            add_ev = (ev - b["gw_cpu_ns_per_event"]) if (ev is not None and b and b.get("gw_cpu_ns_per_event")
                                                        and a not in ("direct", BARE)) else None
            err = f" ⚠{r['errors']} err" if r["errors"] else ""
            lines.append(f"| {L[a]} | {r['rps']:,.1f}{err} | {_us(r['ttfb_p50_us'])} | {_us(r['ttft_p50_us'])} | "
                         f"{_us(r['ttft_p99_us'])} | {_us(r['total_p50_us'])} | {add_d} / {add_b} | "
                         f"{_f(ev) if a != 'direct' else '–'} | {_f(add_ev)} |")
        lines.append("")

    # Resources.
    lane = next((l for l in ("wrk-c32", "wrk-c64") if l in s), wl[-1] if wl else None)
    if lane:
        rows = s[lane]
        lines += [f"#### CPU and memory ({lane}; gateway on core 0, mock + load generator + accounting on core 1)", "",
                  "| arm | gateway CPU per request (µs) | × bare | core 0 busy | core 1 busy | accounting CPU per request (µs) | gateway RSS after run (MiB) | RSS at the end (MiB) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        final = doc.get("final_rss_kib", {})
        for a in arms:
            r = rows.get(a)
            if not r:
                continue
            gw = r.get("gw_cpu_us_per_req") if a != "direct" else None
            x = _ratio(gw, rows.get(BARE, {}).get("gw_cpu_us_per_req")) if a not in ("direct", BARE) else None
            acct = r.get("acct_cpu_us_per_req") if a.startswith("switchboard") else None
            lines.append(f"| {L[a]} | {_f(gw, 1)} | {_f(x, 2, '×')} | {r['core0_busy'] * 100:.0f}% | "
                         f"{r['core1_busy'] * 100:.0f}% | {_f(acct, 1)} | "
                         f"{_f(r['gw_rss_kib'] / 1024, 1) if a != 'direct' else '–'} | "
                         f"{_f(final.get(r.get('proc', a), 0) / 1024, 1)} |")
        lines.append("")

    # Targets.
    lines += ["#### Targets from the issue", "", "| target | measured | how | met |", "|---|---:|---|:---:|"]
    for what, val, how, met in targets(doc):
        lines.append(f"| {what} | {val} | {how} | {'–' if met is None else ('yes' if met else '**no**')} |")
    lines.append("")

    # Micro-benchmarks.
    micro = doc.get("micro", {}).get("results", [])
    if micro:
        clock = "CPU time of the benchmark thread" if doc["micro"].get("cpu_time") else "wall time"
        lines += [f"#### Core micro-benchmarks (native release build, core 0, median of samples, {clock})", "",
                  "| case | body bytes | time per op | per event |", "|---|---:|---:|---:|"]
        for m in micro:
            ns = m["ns_per_op"]
            t = f"{ns / 1e6:,.2f} ms" if ns >= 999_500 else (f"{ns / 1e3:,.2f} µs" if ns >= 999.5 else f"{ns:,.0f} ns")
            pe = "–" if m.get("per_event_ns") is None else f"{m['per_event_ns']:,.0f} ns"
            lines.append(f"| {m['name']} | {m['bytes']:,} | {t} | {pe} |")
        lines.append("")

    # Accounting and noise.
    if "accounting" in doc:
        a = doc["accounting"]
        lines.append(f"Accounting: {a['rows']:,} usage rows in the database for {a['served_2xx']:,} requests "
                     f"the Envoys with the policy filter and accounting answered with 2xx (warm-up and checks "
                     f"included).")
    noisy = [r for r in doc["runs"] if r["foreign_cores"] >= 0.15]
    worst = max((r["foreign_cores"] for r in doc["runs"]), default=0.0)
    lines.append(f"Other load on the machine during runs (CPU not used by the benchmark's processes): "
                 f"max {worst:.2f} cores; {len(noisy)} of {len(doc['runs'])} runs saw ≥ 0.15 cores.")
    sat = [r for r in doc["runs"] if r["core1_busy"] > 0.95 and r["arm"] != "direct"]
    if sat:
        lines.append(f"Core 1 (mock + load generator) was ≥ 95% busy in {len(sat)} gateway run(s): "
                     + ", ".join(sorted({r["arm"] + " " + r["lane"] for r in sat})) + ".")
    lines.append("")
    return "\n".join(lines)


def write_into_doc(path: Path, md: str, name: str) -> None:
    """Replace the block between `<!-- bench:NAME:begin -->` and `<!-- bench:NAME:end -->`."""
    begin, end = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
    text = path.read_text() if path.exists() else ""
    block = f"{begin}\n{md}\n{end}"
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
