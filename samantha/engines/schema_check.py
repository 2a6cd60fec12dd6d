"""Is a JSON answer what the schema asked for? The part of JSON Schema that notes use (types,
required keys, properties, items), for servers that cannot constrain their output to it."""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
                          "boolean": bool, "null": type(None)}


def mismatch(value: Any, schema: dict, where: str = "the answer") -> str | None:
    """What in ``value`` breaks ``schema`` (types, required keys, items: what notes use), or None."""
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(isinstance(value, _TYPES[k]) and not (k in ("integer", "number") and isinstance(value, bool))
                   for k in kinds):
            return f"{where} is not {' or '.join(kinds)}"
    if isinstance(value, dict):
        if missing := [k for k in schema.get("required", []) if k not in value]:
            return f"{where} lacks {', '.join(missing)}"
        for key, sub in schema.get("properties", {}).items():
            if key in value and (wrong := mismatch(value[key], sub, key)):
                return wrong
    if isinstance(value, list) and "items" in schema:
        for item in value:
            if wrong := mismatch(item, schema["items"], f"an item of {where}"):
                return wrong
    return None
