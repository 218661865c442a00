"""Request bodies checked against the SDK's own generated models.

Both generations of azure-mgmt-* models are understood:

* TypeSpec models (``azure.mgmt.keyvault``, ``azure.mgmt.storage``, ...): ``rest_field`` descriptors with the wire
  name and visibility, Python annotations for the type (``Optional[...]`` = not required), enums for known values;
* msrest models (``azure.mgmt.monitor``, ``azure.mgmt.authorization``, ...): ``_attribute_map`` (wire key, possibly
  flattened ``properties.x``, and type string) and ``_validation`` (required, readonly, min/max length, pattern,
  minimum/maximum, min/max items).

What is checked: required properties, JSON types, enum values (case-insensitive, as the services compare them),
and the msrest constraints. Read-only properties and unknown properties are ignored, as ARM does.
"""

from __future__ import annotations

import datetime
import enum
import importlib
import re
import sys
import typing
from typing import Any, Optional

from .arm import ArmError

_HINTS: dict = {}


class Problem(Exception):
    def __init__(self, path: str, message: str, kind: str):
        super().__init__(message)
        self.path = path
        self.kind = kind  # "missing" | "type" | "enum" | "constraint"


def validate(
    body: Any, model: type, *, code: str = "InvalidRequestContent", missing_code: Optional[str] = None, prefix: str = ""
) -> None:
    """Raise ``ArmError(400, code, ...)`` at the first violation of ``model`` by ``body``."""
    try:
        _check(body, model, prefix)
    except Problem as problem:
        use = missing_code if (problem.kind == "missing" and missing_code) else code
        raise ArmError(400, use, str(problem), target=problem.path or None) from None


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


# model introspection --------------------------------------------------------------------------------------------------
def _is_msrest(model: type) -> bool:
    return hasattr(model, "_attribute_map") and not hasattr(model, "_attr_to_rest_field") and not _rest_fields(model)


def _rest_fields(model: type) -> dict:
    fields = {}
    for klass in reversed(model.__mro__):
        for attr, value in vars(klass).items():
            if not attr.startswith("_") and hasattr(value, "_rest_name_input") and hasattr(value, "_visibility"):
                fields[attr] = value
    return fields


def _hints(model: type) -> dict:
    if model not in _HINTS:
        module = sys.modules[model.__module__]
        localns = {"_models": importlib.import_module(model.__module__.rsplit(".", 1)[0])}
        try:
            _HINTS[model] = typing.get_type_hints(model, globalns=vars(module), localns=localns)
        except Exception:  # noqa: BLE001 - an unresolvable annotation only loses type checking for that model
            _HINTS[model] = {}
    return _HINTS[model]


def _check(value: Any, model: type, path: str) -> None:
    if not isinstance(value, dict):
        raise Problem(path, f"The value of '{path or 'body'}' must be a JSON object.", "type")
    if _is_msrest(model):
        _check_msrest(value, model, path)
        return
    hints = _hints(model)
    for attr, rf in _rest_fields(model).items():
        name = rf._rest_name_input or attr
        visibility = rf._visibility or []
        if visibility == ["read"]:
            continue
        annotation = hints.get(attr, Any)
        optional = _is_optional(annotation) or getattr(rf, "_default", None) is not _unset(rf)
        present = name in value and value[name] is not None
        if not present:
            if not optional and ("create" in visibility or not visibility):
                raise Problem(_join(path, name), f"The required property '{_join(path, name)}' is missing.", "missing")
            continue
        _check_type(value[name], _strip_optional(annotation), _join(path, name))


def _unset(rf) -> Any:
    module = sys.modules[type(rf).__module__]
    return getattr(module, "_UNSET", None)


def _is_optional(annotation: Any) -> bool:
    return typing.get_origin(annotation) is typing.Union and type(None) in typing.get_args(annotation)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        return typing.Union[tuple(args)]
    return annotation


# Enums whose values combine as comma-separated flags: storage networkAcls.bypass takes "Logging, AzureServices"
# (the REST spec: "any combination of Logging|Metrics|AzureServices"), though the SDK types it as one enum value.
FLAG_ENUMS = {"Bypass"}


def _enum_accepts(enum_cls: type, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    allowed = {str(m.value).lower() for m in enum_cls}
    parts = [value] if enum_cls.__name__ not in FLAG_ENUMS else [p.strip() for p in value.split(",")]
    return all(part.lower() in allowed for part in parts)


def _enum_in(annotation: Any) -> Optional[type]:
    candidates = typing.get_args(annotation) if typing.get_origin(annotation) is typing.Union else (annotation,)
    for arg in candidates:
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return arg
    return None


def _check_type(value: Any, annotation: Any, path: str) -> None:
    enum_cls = _enum_in(annotation)
    if enum_cls is not None:
        if not isinstance(value, str):
            raise Problem(path, f"The value of '{path}' must be a string.", "type")
        allowed = [str(m.value) for m in enum_cls]
        if not _enum_accepts(enum_cls, value):
            raise Problem(
                path, f"The value '{value}' of '{path}' is not valid. Allowed values are: {', '.join(allowed)}.", "enum"
            )
        return
    origin = typing.get_origin(annotation)
    if annotation is Any or annotation is None or origin is typing.Literal:
        return
    if origin in (list, typing.List):
        if not isinstance(value, list):
            raise Problem(path, f"The value of '{path}' must be an array.", "type")
        (item,) = typing.get_args(annotation) or (Any,)
        for index, element in enumerate(value):
            _check_type(element, _strip_optional(item), f"{path}[{index}]")
        return
    if origin in (dict, typing.Dict):
        if not isinstance(value, dict):
            raise Problem(path, f"The value of '{path}' must be a JSON object.", "type")
        return
    if origin is typing.Union:
        return  # a union of several models or primitives: accept
    if annotation is bool:
        if not isinstance(value, bool):
            raise Problem(path, f"The value of '{path}' must be a boolean.", "type")
    elif annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem(path, f"The value of '{path}' must be an integer.", "type")
    elif annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Problem(path, f"The value of '{path}' must be a number.", "type")
    elif annotation is str or annotation in (datetime.datetime, datetime.date, datetime.timedelta):
        if not isinstance(value, str):
            raise Problem(path, f"The value of '{path}' must be a string.", "type")
    elif (
        isinstance(annotation, type)
        and hasattr(annotation, "__mro__")
        and (_rest_fields(annotation) or hasattr(annotation, "_attribute_map"))
    ):
        _check(value, annotation, path)


# msrest models --------------------------------------------------------------------------------------------------------
_MSREST_PRIMITIVES = {"str": str, "bool": bool, "int": int, "float": float, "long": int}


def _check_msrest(value: dict, model: type, path: str) -> None:
    validation = getattr(model, "_validation", {}) or {}
    module = sys.modules[model.__module__]
    for attr, spec in model._attribute_map.items():
        rules = validation.get(attr, {})
        if rules.get("readonly") or rules.get("constant"):
            continue
        keys = [k.replace("\\.", ".") for k in re.split(r"(?<!\\)\.", spec["key"])]
        container: Any = value
        for key in keys[:-1]:
            container = container.get(key) if isinstance(container, dict) else None
        wire = _join(path, ".".join(keys))
        item = container.get(keys[-1]) if isinstance(container, dict) else None
        if item is None:
            if rules.get("required"):
                raise Problem(wire, f"The required property '{wire}' is missing.", "missing")
            continue
        _check_msrest_value(item, spec["type"], rules, wire, module)


def _check_msrest_value(item: Any, type_name: str, rules: dict, path: str, module) -> None:
    if type_name.startswith("[") and type_name.endswith("]"):
        if not isinstance(item, list):
            raise Problem(path, f"The value of '{path}' must be an array.", "type")
        if "min_items" in rules and len(item) < rules["min_items"]:
            raise Problem(path, f"'{path}' needs at least {rules['min_items']} items.", "constraint")
        if "max_items" in rules and len(item) > rules["max_items"]:
            raise Problem(path, f"'{path}' takes at most {rules['max_items']} items.", "constraint")
        for index, element in enumerate(item):
            _check_msrest_value(element, type_name[1:-1], {}, f"{path}[{index}]", module)
        return
    if type_name.startswith("{"):
        if not isinstance(item, dict):
            raise Problem(path, f"The value of '{path}' must be a JSON object.", "type")
        return
    expected = _MSREST_PRIMITIVES.get(type_name)
    if expected is not None:
        ok = isinstance(item, expected) and not (expected in (int, float) and isinstance(item, bool))
        if expected is float:
            ok = isinstance(item, (int, float)) and not isinstance(item, bool)
        if not ok:
            raise Problem(path, f"The value of '{path}' must be of type {type_name}.", "type")
        if isinstance(item, str):
            if "min_length" in rules and len(item) < rules["min_length"]:
                raise Problem(path, f"'{path}' must be at least {rules['min_length']} characters long.", "constraint")
            if "max_length" in rules and len(item) > rules["max_length"]:
                raise Problem(path, f"'{path}' must be at most {rules['max_length']} characters long.", "constraint")
            if "pattern" in rules and not re.search(rules["pattern"], item):
                raise Problem(path, f"'{path}' does not match the pattern '{rules['pattern']}'.", "constraint")
        elif "minimum" in rules and item < rules["minimum"]:
            raise Problem(path, f"'{path}' must be at least {rules['minimum']}.", "constraint")
        elif "maximum" in rules and item > rules["maximum"]:
            raise Problem(path, f"'{path}' must be at most {rules['maximum']}.", "constraint")
        return
    target = getattr(module, type_name, None) or getattr(
        importlib.import_module(module.__name__.rsplit(".", 1)[0]), type_name, None
    )
    if isinstance(target, type) and issubclass(target, enum.Enum):
        if not _enum_accepts(target, item):
            allowed = ", ".join(str(m.value) for m in target)
            raise Problem(path, f"The value '{item}' of '{path}' is not valid. Allowed values are: {allowed}.", "enum")
    elif isinstance(target, type) and hasattr(target, "_attribute_map"):
        _check(item, target, path)
