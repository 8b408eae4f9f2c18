"""What pydantic says of a value, in Chinese: for filings (``pbgen.load`` adds where and the
typing slips of a Chinese input method) and for the files a kit is made of (kit.yaml,
manifest.yaml, a framework), which ``read_model`` reads."""

from __future__ import annotations

import re

import yaml
from pydantic import BaseModel, ValidationError

try:
    from yaml import CBaseLoader as BaseLoader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import BaseLoader

TYPE_MESSAGES: dict[str, str] = {
    "decimal_parsing": "应为金额数字，如 5.00，写的是「{input}」。",
    "decimal_type": "应为金额数字，如 5.00。",
    "int_parsing": "应为整数，写的是「{input}」。",
    "bool_parsing": "应为 true 或 false，写的是「{input}」。",
    "string_type": "应为一段文字，不能是列表或字段组。",
    "list_type": "应为列表：每项另起一行，以「- 」开头。",
    "dict_type": "应为字段组：下一行缩进，写「键: 值」。",
    "model_type": "应为字段组：下一行缩进，写「键: 值」。",
    "model_attributes_type": "应为字段组：下一行缩进，写「键: 值」。",
    "greater_than_equal": "不能小于 {ge}，写的是「{input}」。",
    "less_than_equal": "不能大于 {le}，写的是「{input}」。",
    "greater_than": "应大于 {gt}，写的是「{input}」。",
    "too_short": "至少要有 {min_length} 项。",
    "literal_error": "应为 {expected} 之一，写的是「{input}」。",
    "finite_number": "应为有限的数字。",
}


def type_message(detail: dict) -> str:
    """What is wrong with one value, and what to write instead."""
    context = dict(detail.get("ctx") or {})
    template = TYPE_MESSAGES.get(detail["type"])
    if "input" in detail and detail["input"] is None:  # an empty key where a value is needed
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", "、")
        return "这一项是空的，请填写" + (f"：可填 {expected}。" if expected else "。")
    if detail["type"] == "value_error":
        return str(context.get("error", detail["msg"])) + "。"
    if template is None:
        return detail["msg"]
    if detail["type"] == "literal_error":
        expected = context.get("expected", "").replace("'", "")
        context["expected"] = "、".join(re.split(r",\s*|\s+or\s+", expected))
    value = detail.get("input")
    return template.format(input=value if isinstance(value, str) else "…", **context)


def described(error: ValidationError) -> str:
    """A validation error of a file pbgen reads (kit.yaml, manifest.yaml, a framework): each
    problem as ``key.path：what to write``, joined by 「；」."""
    problems = []
    for detail in error.errors():
        where = ".".join(map(str, detail["loc"])) or "（整体）"
        if detail["type"] == "extra_forbidden":
            message = "不认识的键，请删去或改正拼写。"
        elif detail["type"] == "missing":
            message = "缺少这一项，请补上。"
        else:
            message = type_message(detail)
        problems.append(f"{where}：{message.rstrip('。')}")
    return "；".join(problems) + "。"


# A kit's kit.yaml, manifests and frameworks are a few KB; an alias (*a) could make a file of a
# few hundred bytes expand to gigabytes as it is read ("billion laughs"): neither is allowed.
MAX_DATA_BYTES = 1024 * 1024


def read_model(file, model: type[BaseModel], error: type[Exception], what: str, shape: str):
    """The YAML data file ``file`` (kit.yaml, a manifest, a framework) as ``model``; ``error``
    naming the file and what to change otherwise. Scalars are read as written (YAML's base
    schema: ``version: 1.10`` stays 1.10, ``off`` is text) and pydantic converts them; an empty
    key says nothing. ``what`` names the file for messages, ``shape`` is its first lines."""
    try:
        if file.stat().st_size > MAX_DATA_BYTES:
            raise error(f"{file}：{what}超过 {MAX_DATA_BYTES // 1024} KB，不像 pbgen 的数据文件。")
        text = file.read_text(encoding="utf-8")
        if any(isinstance(token, yaml.AliasToken) for token in yaml.scan(text, Loader=BaseLoader)):
            raise error(
                f"{file}：{what}里有 YAML 别名（*名字），pbgen 的数据文件不用它，请写出内容。"
            )
        data = yaml.load(text, Loader=BaseLoader)
    except (OSError, UnicodeDecodeError) as problem:
        raise error(f"{file}：无法读取{what}（{problem}）。") from None
    except yaml.YAMLError as problem:
        raise error(f"{file}：{what}的 YAML 无法解析：{problem}") from None
    if not isinstance(data, dict):
        raise error(f"{file}：{what}应是「{shape}」这样的字段组。")
    try:
        return model.model_validate({k: v for k, v in data.items() if v not in (None, "")})
    except ValidationError as problem:
        raise error(f"{file}：{what + '有误：' if what else ''}{described(problem)}") from None
