"""Reference token counts for the labelled set, from real BPE tokenizers.

Writes ../reference_tokens.jsonl: per prompt id, for o200k_base and cl100k_base,
  text    = sum over messages of the token count of each message's text
            (string content, text parts, tool results);
  request = the prompt size by the usual chat accounting: 3 tokens per message +
            role + text + tool-call names and arguments, + 3 to prime the reply,
            + the compact JSON of `tools`/`functions`; plus the estimator's own
            conventions for what no tokenizer counts (765 per image part, one
            token per 8 bytes of an inline file), so that the comparison
            measures the text approximation only.
The Rust tests (estimate_calibration.rs) compare switchboard-core's estimator with
these numbers, so the estimator itself needs no tokenizer.

Needs a tokenizer that ships its vocabulary (tiktoken downloads it at run time,
which this project's machines cannot): `pip install bpe-openai==0.1.4`.
"""

import json
import os

import bpe_openai

HERE = os.path.dirname(os.path.abspath(__file__))
ENCODINGS = ["o200k_base", "cl100k_base"]


def texts(message):
    content = message.get("content")
    if isinstance(content, str):
        yield content
    elif isinstance(content, list):
        for part in content:
            if part.get("type") == "text":
                yield part.get("text", "")


def count(enc, text):
    return len(enc.encode(text, disallowed_special=()))


def main():
    encs = {name: bpe_openai.get_encoding(name) for name in ENCODINGS}
    src = os.path.join(HERE, "..", "labelled.jsonl")
    dst = os.path.join(HERE, "..", "reference_tokens.jsonl")
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            row = json.loads(line)
            request = row["request"]
            entry = {"id": row["id"]}
            for name, enc in encs.items():
                text_total = 0
                request_total = 3
                for m in request["messages"]:
                    t = sum(count(enc, t) for t in texts(m))
                    if isinstance(m.get("content"), list):
                        for part in m["content"]:
                            if part.get("type") == "image_url":
                                request_total += 765
                            elif part.get("type") == "file":
                                raw = json.dumps(part["file"], ensure_ascii=False, separators=(",", ":"))
                                request_total += len(raw.encode()) // 8
                    text_total += t
                    request_total += 3 + count(enc, m["role"]) + t
                    for call in m.get("tool_calls") or []:
                        fn = call.get("function", {})
                        request_total += count(enc, fn.get("name", "")) + count(enc, fn.get("arguments", ""))
                for key in ("tools", "functions"):
                    if key in request:
                        request_total += count(enc, json.dumps(request[key], ensure_ascii=False, separators=(",", ":")))
                entry[name.split("_")[0]] = {"text": text_total, "request": request_total}
            out.write(json.dumps(entry, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
