"""Regenerate ``sandbox/request_schemas.json`` from Pennylane's official OpenAPI file.

    python -m sandbox.build_schemas [path/to/openapi-v2.json]

The sandbox validates request bodies with these schemas at run time, so it never reads
``../shared`` itself. The output is JSON Schema 2020-12: OpenAPI's ``nullable`` becomes a
``null`` type, examples and descriptions are dropped, and long enums (currencies, VAT codes) are
hoisted into ``$defs`` to keep the file small.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SPEC = HERE.parent.parent / "shared" / "pennylane" / "openapi-v2.json"
OUTPUT = HERE / "request_schemas.json"
OPERATIONS = [
    "postCompanyCustomer",
    "putCompanyCustomer",
    "postIndividualCustomer",
    "putIndividualCustomer",
    "postProducts",
    "putProduct",
    "postCustomerInvoices",
    "createCustomerInvoiceFromQuote",
    "sendByEmailCustomerInvoice",
    "postQuotes",
    "updateStatusQuote",
    "sendByEmailQuote",
]
DROP = {"example", "examples", "description", "x-readme"}


def _resolve(spec: dict[str, Any], node: Any, *, names: bool = False) -> Any:
    """Inline ``$ref``s and drop documentation keys (``names``: the keys are property names)."""
    if isinstance(node, list):
        return [_resolve(spec, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return _resolve(spec, target)
    return {
        key: _resolve(spec, value, names=key == "properties" and not names)
        for key, value in node.items()
        if names or key not in DROP
    }


def _to_json_schema(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value, defs) for key, value in node.items() if key != "nullable"}
    nullable = node.get("nullable") is True
    if nullable and "type" in out:
        out["type"] = [out["type"], "null"]
    if "enum" in out:
        values = list(out["enum"]) + ([None] if nullable and None not in out["enum"] else [])
        if len(values) > 20:
            key = "enum_" + hashlib.sha1(json.dumps(values).encode()).hexdigest()[:10]  # noqa: S324
            defs[key] = {"enum": values}
            del out["enum"]
            out["$ref"] = f"#/$defs/{key}"
        else:
            out["enum"] = values
    elif nullable and "type" not in out and any(k in out for k in ("allOf", "anyOf", "oneOf")):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def build(spec_path: Path) -> dict[str, Any]:
    spec = json.loads(spec_path.read_text())
    defs: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or operation.get("operationId") not in OPERATIONS:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            operations[operation["operationId"]] = {
                "method": method.upper(),
                "path": path,
                "schema": _to_json_schema(_resolve(spec, schema), defs),
            }
    missing = set(OPERATIONS) - set(operations)
    if missing:
        raise SystemExit(f"operations not found in the spec: {sorted(missing)}")
    return {"source": spec.get("info", {}).get("title"), "$defs": defs, "operations": operations}


def main(argv: list[str]) -> int:
    spec_path = Path(argv[0]) if argv else DEFAULT_SPEC
    OUTPUT.write_text(json.dumps(build(spec_path), indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {OUTPUT} from {spec_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
