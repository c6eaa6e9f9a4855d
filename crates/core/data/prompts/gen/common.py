"""Helpers shared by the prompt-set modules: build OpenAI chat request objects.

Every prompt in this set was written for Switchboard (none is copied from a data
set). A module lists `ITEMS`, each `(lang, request)`; build.py labels them by the
module they come from and numbers them.
"""

MODELS = ["auto", "auto", "auto", "gpt-4o-mini", "claude-sonnet-4-5", "auto"]


def msg(role, content):
    return {"role": role, "content": content}


def req(user, system=None, history=None, model_ix=0, **extra):
    """A chat request: optional system prompt, optional earlier turns, last user turn."""
    messages = []
    if system is not None:
        messages.append(msg("system", system))
    for role, content in history or []:
        messages.append(msg(role, content))
    messages.append(msg("user", user))
    body = {"model": MODELS[model_ix % len(MODELS)], "messages": messages}
    body.update(extra)
    return body


def fn_tool(name, description, properties, required=None):
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": required if required is not None else list(properties)[:1],
            },
        },
    }


def s(desc):
    return {"type": "string", "description": desc}


def n(desc):
    return {"type": "number", "description": desc}


def image_part(url="https://example.com/uploads/photo-1.jpg"):
    return {"type": "image_url", "image_url": {"url": url}}


def text_part(text):
    return {"type": "text", "text": text}


def parts_req(parts, system=None, **extra):
    messages = []
    if system is not None:
        messages.append(msg("system", system))
    messages.append({"role": "user", "content": parts})
    body = {"model": "auto", "messages": messages}
    body.update(extra)
    return body


def tool_call(call_id, name, arguments):
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }
