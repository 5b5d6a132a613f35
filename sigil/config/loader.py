"""Load a pipeline YAML into a validated config: strict keys, dotted overrides, one-line errors."""

from __future__ import annotations

import copy
import difflib
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError, create_model

from sigil.config.schema import CoreConfig, StageSpec
from sigil.config.section import Section
from sigil.errors import ConfigError

#: The most values a config may hold once YAML aliases are expanded. A pipeline holds hundreds; a 2 KB alias
#: "bomb" holds billions and used to take minutes and gigabytes before any error.
MAX_CONFIG_NODES = 100_000


def load_config(
    path: str | Path, overrides: Sequence[str] = (), values: Mapping[str, Any] | None = None
) -> CoreConfig:
    """Read, override and validate a pipeline file; every stage's overrides are validated too.

    ``overrides`` are ``KEY=VALUE`` texts (``-o``; the value is read as YAML); ``values`` maps dotted keys to
    values that are already typed (a CLI flag's value), set as they are.
    """
    path = Path(path)
    raw = read_yaml(path)
    for override in overrides:
        apply_override(raw, override)
    for key, value in (values or {}).items():
        set_value(raw, key, value)
    config = validate_config(raw, source=str(path))
    if not config.stages:  # the kernel names no stage type: a pipeline file says what it runs
        raise ConfigError(f"{path}: stages: no stages; add e.g. `stages: [{{name: data, type: data}}]`")
    if config.misc.output_dir is None:
        config.misc.output_dir = str(Path("runs") / path.stem)
    for spec in config.stages:
        stage_config(config, spec, source=str(path))
    return config


def read_yaml(path: Path) -> dict[str, Any]:
    """The file's top-level mapping; anything unreadable is a one-line ConfigError naming the file."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a YAML file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    data = parse_yaml(text, str(path))
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys, not {type(data).__name__}")
    return data


class _InvalidYaml(ConfigError):
    """Text that is not YAML at all (as opposed to YAML that is refused)."""


class _DuplicateKey(Exception):
    """A key repeated in one mapping (raised while PyYAML constructs it; reported with the file name)."""


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a key repeated in one mapping is an error (it used to replace the first
    silently: a second ``train:`` dropped the whole first section)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults` merges are meant to be overridden by the keys after them
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                line, first = key_node.start_mark.line + 1, seen[key]
                raise _DuplicateKey(f"line {line}: duplicate key {key!r} (first on line {first})")
            if isinstance(key, Hashable):
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str, source: str, allow_aliases: bool = True) -> Any:
    """YAML text as data: duplicate keys, too deep nesting and alias bombs are one-line errors naming ``source``."""
    try:
        if not allow_aliases:
            for token in yaml.scan(text, Loader=yaml.SafeLoader):
                if isinstance(token, yaml.AliasToken | yaml.AnchorToken):
                    raise ConfigError(f"{source}: YAML anchors and aliases (&, *) are not accepted here")
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _InvalidYaml(f"{source}: {where}invalid YAML: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{source}: invalid YAML: nested too deeply") from None
    except _DuplicateKey as exc:
        raise ConfigError(f"{source}: {exc}") from None
    _check_size(data, source)
    return data


def _check_size(data: Any, source: str) -> None:
    """Count values as they would be after alias expansion, stopping at the limit (so the check itself is cheap)."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        count += 1
        if count > MAX_CONFIG_NODES:
            raise ConfigError(
                f"{source}: more than {MAX_CONFIG_NODES:,} values once YAML aliases are expanded; "
                "a pipeline config is far smaller (an alias bomb?)"
            )
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def apply_override(raw: dict[str, Any], override: str) -> None:
    """Apply ``a.b.c=value`` (value parsed as YAML, aliases refused) to the raw config; list items by index
    (``stages.0.name``)."""
    key, sep, value_text = override.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {override!r}: expected KEY=VALUE, e.g. train.lr=5e-5")
    try:
        value = parse_yaml(value_text, f"override {override!r}", allow_aliases=False)
    except _InvalidYaml:
        value = value_text  # not YAML (e.g. `a: b: c`): the text itself
    set_value(raw, key.strip(), value, what=f"override {override!r}")


def set_value(raw: dict[str, Any], key: str, value: Any, what: str | None = None) -> None:
    """Set the dotted ``key`` of the raw config to ``value`` as it is (already typed: a CLI flag's ``"2021"`` stays
    text). Missing sections are created; list items are addressed by index (``stages.0.name``)."""
    override = what or f"key {key!r}"
    parts = key.split(".")
    if not all(parts):
        raise ConfigError(f"{override}: {key!r} is not a dotted key path")
    node: Any = raw
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ConfigError(f"{override}: {'.'.join(parts[:depth])} has no item {part}")
            index = int(part)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
        else:
            raise ConfigError(f"{override}: {'.'.join(parts[:depth])} is not a section")


def config_model() -> type[CoreConfig]:
    """The full config model: the core keys plus every section registered by an installed plugin."""
    from sigil.config.section import CONFIG_SECTIONS
    from sigil.plugins import registry

    sections: dict[str, Any] = {}
    # sorted: entry points load in whatever order site-packages lists them, and docs/config.md must not churn
    for entry in sorted(registry(CONFIG_SECTIONS), key=lambda entry: entry.name):
        model = entry.component
        if entry.name in CoreConfig.model_fields:
            raise ConfigError(f"plugin {entry.plugin!r} registers config section {entry.name!r}, a core key")
        sections[entry.name] = (model, model())
    if not sections:
        return CoreConfig
    return create_model("PipelineConfig", __base__=CoreConfig, **sections)


def validate_config(raw: dict[str, Any], source: str) -> CoreConfig:
    """Validate raw data into the full config model, or raise a one-line ConfigError naming ``source``."""
    model = config_model()
    raw = move_legacy_keys(raw, model, source)
    for key in raw:
        if key not in model.model_fields:
            raise ConfigError(f"{source}: {unknown_section_message(str(key), model)}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {describe_errors(exc, model)}") from None


def move_legacy_keys(raw: dict[str, Any], model: type[CoreConfig], source: str) -> dict[str, Any]:
    """A copy of ``raw`` with each registered section's ``legacy_keys`` moved into the section (top-level
    ``max_seq_len`` → ``train.max_seq_len``); both spellings at once is an error naming both."""
    raw = copy.deepcopy(raw)
    for section_name, field in model.model_fields.items():
        section = model_in_annotation(field.annotation)
        if section is None or not issubclass(section, Section):
            continue
        for old, new in section.legacy_keys.items():
            *parents, last = old.split(".")
            node: Any = raw
            for part in parents:
                node = node.get(part) if isinstance(node, dict) else None
            if not isinstance(node, dict) or last not in node:
                continue
            target = raw.get(section_name)
            if target is None:
                target = raw[section_name] = {}
            if not isinstance(target, dict):
                continue  # the section itself is malformed: validation says so
            if new in target:
                raise ConfigError(
                    f"{source}: {old} and {section_name}.{new} are the same key ({old} is the reference "
                    f"system's spelling); keep one"
                )
            target[new] = node.pop(last)
    return raw


def unknown_section_message(key: str, model: type[BaseModel]) -> str:
    """An unknown top-level key: the close match, the sections installed, and installed plugins not loaded."""
    from sigil.plugins import plugin_load_failures, unloaded_plugins

    close = difflib.get_close_matches(key, model.model_fields, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    sections = ", ".join(sorted(model.model_fields))
    message = f"{key}: unknown key{hint}; top-level keys and sections: {sections}"
    unloaded = unloaded_plugins()
    if unloaded:
        message += f"; installed plugins not loaded (SIGIL_LOAD_PLUGINS): {', '.join(unloaded)}"
    failed = plugin_load_failures()
    if failed:
        message += f"; {len(failed)} plugin(s) failed to load (see `sigil plugins`)"
    if not close and not unloaded and not failed:
        message += "; a plugin's section needs that plugin installed (`sigil plugins` lists what is)"
    return message


def stage_config(config: CoreConfig, spec: StageSpec, source: str = "<config>") -> CoreConfig:
    """The config one stage sees: the pipeline's config with the stage's ``overrides`` merged in."""
    if not spec.overrides:
        return config
    where = f"{source}: stages[{spec.name}].overrides"
    overrides = move_legacy_keys(spec.overrides, type(config), where)
    merged = deep_merge(config.model_dump(mode="python"), overrides)
    return validate_config(merged, source=where)


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``update`` merged in; nested mappings merge, everything else replaces."""
    result = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def describe_errors(exc: ValidationError, model: type[BaseModel]) -> str:
    """pydantic's errors as one line: ``dataset.min_lenght: unknown key (did you mean 'min_length'?)``."""
    parts = []
    for error in exc.errors():
        location = _format_location(error["loc"])
        if error["type"] == "extra_forbidden":
            known = _known_keys(model, error["loc"][:-1])
            close = difflib.get_close_matches(str(error["loc"][-1]), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            parts.append(f"{location}: unknown key{hint}")
        else:
            message = error["msg"].removeprefix("Value error, ")
            parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts)


def _format_location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current is not None else None
        if field is None:
            return []
        current = model_in_annotation(field.annotation)
    return list(current.model_fields) if current is not None else []


def model_in_annotation(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``X``, ``X | None``, ``list[X]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = model_in_annotation(argument)
        if found is not None:
            return found
    return None
