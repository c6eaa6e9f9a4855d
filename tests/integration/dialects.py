"""The five dialects of the demo gateway, as the fidelity matrix
(test_fidelity.py) reads them: where each one's requests land (which mock),
the reply its mock gives, and how to reduce what the provider received, in
its own dialect, to facts comparable across dialects (system prompt, turns,
tools, tool results, sampling, images, structured output, thinking)."""

from __future__ import annotations

import json
from dataclasses import dataclass


def _text_of(content) -> list[str]:
    """Texts of an Anthropic `system` / content value (string or blocks)."""
    if content is None:
        return []
    if isinstance(content, str):
        return [content]
    return [b["text"] for b in content if b.get("type") == "text"]


@dataclass(frozen=True)
class Dialect:
    """One provider dialect: where its requests land and how to read them."""

    name: str
    mock: str
    upstream: str
    provider_word: str  # the word the mock puts in its reply

    @property
    def reply(self) -> str:
        return f"Mock reply from {self.provider_word} model {self.upstream}."

    # What the provider received, reduced to comparable facts -------------

    def system(self, body: dict) -> list[str]:
        if self.name in ("openai", "azure"):
            return [m["content"] for m in body["messages"] if m["role"] in ("system", "developer")]
        if self.name == "anthropic":
            return _text_of(body.get("system"))
        if self.name == "gemini":
            return [p["text"] for p in body.get("systemInstruction", {}).get("parts", [])]
        return [b["text"] for b in body.get("system", [])]

    def roles(self, body: dict) -> list[str]:
        if self.name in ("openai", "azure"):
            return [m["role"] for m in body["messages"] if m["role"] not in ("system", "developer")]
        if self.name == "gemini":
            return [{"model": "assistant"}.get(c.get("role", "user"), c.get("role", "user")) for c in body["contents"]]
        return [m["role"] for m in body["messages"]]

    def tools(self, body: dict) -> dict[str, dict]:
        """Declared tool name → its JSON Schema."""
        if self.name in ("openai", "azure"):
            return {t["function"]["name"]: t["function"]["parameters"] for t in body.get("tools", [])}
        if self.name == "anthropic":
            return {t["name"]: t["input_schema"] for t in body.get("tools", [])}
        if self.name == "gemini":
            return {
                d["name"]: d["parametersJsonSchema"] for t in body.get("tools", []) for d in t["functionDeclarations"]
            }
        return {t["toolSpec"]["name"]: t["toolSpec"]["inputSchema"]["json"] for t in body["toolConfig"]["tools"]}

    def tool_results(self, body: dict) -> list[tuple[str, str]]:
        """(call id or function name, result text) of the last turn, in order."""
        if self.name in ("openai", "azure"):
            return [(m["tool_call_id"], m["content"]) for m in body["messages"] if m["role"] == "tool"]
        if self.name == "anthropic":
            last = body["messages"][-1]
            assert last["role"] == "user"
            return [(b["tool_use_id"], b["content"]) for b in last["content"] if b["type"] == "tool_result"]
        if self.name == "gemini":
            last = body["contents"][-1]
            assert last["role"] == "user"
            return [
                (p["functionResponse"]["name"], json.dumps(p["functionResponse"]["response"], sort_keys=True))
                for p in last["parts"]
                if "functionResponse" in p
            ]
        last = body["messages"][-1]
        assert last["role"] == "user"
        return [
            (b["toolResult"]["toolUseId"], b["toolResult"]["content"][0]["text"])
            for b in last["content"]
            if "toolResult" in b
        ]

    def sampling(self, body: dict) -> dict:
        """stop / temperature / top_p / output cap, in OpenAI's names."""
        if self.name in ("openai", "azure"):
            cap = body.get("max_completion_tokens", body.get("max_tokens"))
            return {"stop": body.get("stop"), "temperature": body.get("temperature"), "top_p": body.get("top_p"), "max": cap}
        if self.name == "anthropic":
            return {
                "stop": body.get("stop_sequences"),
                "temperature": body.get("temperature"),
                "top_p": body.get("top_p"),
                "max": body["max_tokens"],
            }
        if self.name == "gemini":
            g = body.get("generationConfig", {})
            return {"stop": g.get("stopSequences"), "temperature": g.get("temperature"), "top_p": g.get("topP"), "max": g.get("maxOutputTokens")}
        c = body.get("inferenceConfig", {})
        return {"stop": c.get("stopSequences"), "temperature": c.get("temperature"), "top_p": c.get("topP"), "max": c.get("maxTokens")}

    def image(self, body: dict) -> dict:
        """The image of the first user turn, as the provider got it."""
        if self.name in ("openai", "azure"):
            part = next(p for p in body["messages"][0]["content"] if p["type"] == "image_url")
            return {"url": part["image_url"]["url"]}
        if self.name == "anthropic":
            block = next(b for b in body["messages"][0]["content"] if b["type"] == "image")
            return block["source"]
        if self.name == "gemini":
            part = next(p for p in body["contents"][0]["parts"] if "inlineData" in p)
            return part["inlineData"]
        block = next(b for b in body["messages"][0]["content"] if "image" in b)
        return block["image"]

    def json_output(self, body: dict):
        """How structured output was asked for (None: not at all)."""
        if self.name in ("openai", "azure"):
            return body.get("response_format")
        if self.name == "anthropic":
            return body.get("output_config")
        if self.name == "gemini":
            g = body.get("generationConfig", {})
            return {k: g[k] for k in ("responseMimeType", "responseJsonSchema") if k in g} or None
        return body.get("outputConfig")

    def thinking(self, body: dict):
        """How reasoning was asked for (None: not at all)."""
        if self.name in ("openai", "azure"):
            return body.get("reasoning_effort")
        if self.name == "anthropic":
            return body.get("thinking")
        if self.name == "gemini":
            return body.get("generationConfig", {}).get("thinkingConfig")
        return body.get("additionalModelRequestFields", {}).get("thinking")


DIALECTS = {
    "gpt-4o-mini": Dialect("openai", "mock-openai", "gpt-4o-mini", "openai"),
    "gpt-4o-mini-azure": Dialect("azure", "mock-openai", "gpt-4o-mini-prod", "openai"),
    "claude-sonnet-4-5": Dialect("anthropic", "mock-anthropic", "claude-sonnet-4-5-20250929", "anthropic"),
    "gemini-2.5-flash": Dialect("gemini", "mock-gemini", "gemini-2.5-flash", "gemini"),
    "claude-sonnet-4-5-bedrock": Dialect(
        "bedrock", "mock-bedrock", "anthropic.claude-sonnet-4-5-20250929-v1:0", "bedrock"
    ),
}
