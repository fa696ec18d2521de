"""Strict reading of Markdown files with YAML front-matter.

PyYAML implements YAML 1.1, in which ``NO`` is ``False``, ``2007-01-01`` a date
and ``0x7E3`` a number; it also expands aliases (billion laughs) and silently
keeps the last of two duplicate keys. This module composes the YAML node tree
with PyYAML's safe composer, refuses every construct the case contract does not
need, and builds the values itself: every scalar is a string unless it is a
plain ``true``/``false``, a plain decimal integer or a plain ``null``/``~``.
It also records the file line of every key and list item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from casebook.core.problems import Problem, error

MAX_FILE_BYTES = 1_000_000
MAX_FRONTMATTER_BYTES = 32_000
MAX_DEPTH = 8
MAX_INT_DIGITS = 12

KeyPath = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
#: Characters refused anywhere in a case file: C0 and C1 controls (terminal escapes, NUL), the Unicode
#: line and paragraph separators (YAML counts them as line breaks), bidirectional embeddings,
#: overrides and isolates (they make text display differently from what it is), a byte-order mark
#: after the start, and the non-characters U+FFFE/U+FFFF. Tabs and line breaks are allowed.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
#: A quick test on the UTF-8 bytes for the same characters (a regex search over a long text is slow):
#: the ASCII ones stand for themselves; every other one is encoded with the lead byte 0xC2, 0xE2 or 0xEF.
#: Deleting these bytes is one pass in C; only a file that has one of them is searched with the regex.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_SUSPECT_BYTES = _CONTROL_BYTES + b"\xc2\xe2\xef"

_CParser: Any
try:  # libyaml's parser, when PyYAML was built with it
    from yaml import _yaml

    _CParser = _yaml.CParser
except ImportError:  # pragma: no cover - depends on the PyYAML build
    _CParser = None


@dataclass
class Document:
    """A decoded file: its front-matter values, their lines, and the body."""

    path: str
    meta: dict[str, Any] = field(default_factory=dict)
    lines: dict[KeyPath, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    #: The front-matter's whole-line comments (``# ...``): (file line, text after the ``#``). They hold no data,
    #: but may hold a placeholder, such as the one ``casebook new`` writes where only the author can choose.
    comments: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int:
        """The line of the nearest recorded ancestor of ``path``."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Refused(Exception):
    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """A composer that refuses anchors, aliases, tags and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line = event.start_mark.line
        if isinstance(event, AliasEvent):
            raise _Refused(line, "E014", "aliases (*name) are not allowed in front-matter; write the value out")
        if isinstance(event, (ScalarEvent, CollectionStartEvent)):
            if event.anchor is not None:
                raise _Refused(line, "E014", "anchors (&name) are not allowed in front-matter; write the value out")
            if event.tag is not None:
                tag = event.tag.replace("tag:yaml.org,2002:", "!!")
                raise _Refused(line, "E015", f"YAML tags such as '{tag}' are not allowed in front-matter")
        if isinstance(event, CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _Refused(line, "E018", f"front-matter is nested more than {MAX_DEPTH} levels deep")
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


def _scalar(node: ScalarNode) -> Any:
    return _scalar_value(node.value, node.style)


def _scalar_value(value: str, style: str | None) -> Any:
    if style:  # quoted or block scalar: always a string (a plain one has style None, or '' from libyaml)
        return value
    if value in ("true", "false"):
        return value == "true"
    if value in ("null", "~", ""):
        return None
    if _INT.fullmatch(value) and len(value.lstrip("+-")) <= MAX_INT_DIGITS:
        return int(value)
    return value


#: Characters refused in values even when spelled as double-quoted escapes ("\\e", "\\u202e", "\\0"):
#: controls and bidirectional overrides. Line and paragraph separators and U+FEFF are allowed there
#: (they only upset line counting when raw), and so are "\\t", "\\n" and "\\r".
_ESCAPED_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def _check_escapes(node: ScalarNode) -> None:
    match = _ESCAPED_CONTROL.search(node.value)
    if match:
        char = match.group()
        name = unicodedata.name(char, "control character")
        message = f"invisible character U+{ord(char):04X} ({name}) is not allowed, not even as an escape"
        raise _Refused(node.start_mark.line, "E002", message)


def _build(node: Node, path: KeyPath, lines: dict[KeyPath, int], offset: int) -> Any:
    lines[path] = node.start_mark.line + offset
    if isinstance(node, ScalarNode):
        _check_escapes(node)
        return _scalar(node)
    if isinstance(node, SequenceNode):
        return [_build(item, path + (i,), lines, offset) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + offset
            if not isinstance(key_node, ScalarNode):
                raise _Refused(key_node.start_mark.line, "E020", "mapping keys must be plain words")
            _check_escapes(key_node)
            key = key_node.value
            if key == "<<" and key_node.style is None:
                raise _Refused(key_node.start_mark.line, "E017", "merge keys (<<) are not allowed in front-matter")
            if key in result:
                first = lines[path + (key,)]
                raise _Refused(
                    key_node.start_mark.line, "E016", f"duplicate key '{key}' (first given on line {first})"
                )
            lines[path + (key,)] = key_line
            result[key] = _build(value_node, path + (key,), lines, offset)
            lines[path + (key,)] = key_line  # the key's line, not its value's
        return result
    raise _Refused(node.start_mark.line, "E020", "unsupported YAML node")


_SYNTAX_HINTS = {
    "mapping values are not allowed": " (put a value that contains ': ' in double quotes)",
    "expected <block end>": " (check the quotes and the indentation of this line and the one before)",
    "found character '\\t'": " (indent with spaces, not tabs)",
}


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, dict[KeyPath, int], list[Problem]]:
    """Parse strict YAML. ``first_line`` is the file line of the text's first line."""
    offset = first_line
    lines: dict[KeyPath, int] = {}
    for number, raw in enumerate(text.split("\n")):
        stripped = raw.lstrip(" ")
        if stripped.startswith("\t"):
            return None, lines, [error(path, number + offset, "E013", "tab used for indentation; indent with spaces")]
    if _CParser is not None and "\t" not in text:  # the two readers treat some tabs differently
        try:
            value, fast_lines = fast_parse(text, offset)
            return value, fast_lines, []
        except _Fallback:
            pass  # the reference reader decides, and words the problem
    try:
        loader = _StrictLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return None, lines, []
        return _build(node, (), lines, offset), lines, []
    except _Refused as refused:
        return None, lines, [error(path, refused.line + offset, refused.code, refused.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark is not None else offset
        reason = exc.problem or exc.context or "invalid YAML"
        hint = next((h for key, h in _SYNTAX_HINTS.items() if key in reason), "")
        return None, lines, [error(path, line, "E012", f"YAML syntax error: {reason}{hint}")]
    except RecursionError:
        return None, lines, [error(path, offset, "E018", "front-matter is nested too deeply")]
    except Exception as exc:  # PyYAML raises ValueError and others on some inputs
        return None, lines, [error(path, offset, "E012", f"front-matter could not be read: {exc}")]


class _Fallback(Exception):
    """The fast reader met something it leaves to the reference reader."""


def fast_parse(text: str, offset: int) -> tuple[Any, dict[KeyPath, int]]:
    """Fast twin of the reference reader (``_StrictLoader`` and ``_build``, used by :func:`parse_yaml`): strict YAML
    read with libyaml's parser (the same YAML 1.1 grammar, several times faster).

    It gives the same values and lines as the reference reader (``_StrictLoader`` and ``_build``)
    for input that breaks no rule, and raises :class:`_Fallback` on anything else, from a syntax
    error to an anchor, a tag, a duplicate key or deep nesting: the reference reader then reports
    it, so problems always carry the reference reader's codes, messages and lines.
    """
    assert _CParser is not None
    parser = _CParser(text)
    lines: dict[KeyPath, int] = {}
    try:
        get: Any = parser.get_event
        if not isinstance(get(), StreamStartEvent):
            raise _Fallback
        event = get()
        if isinstance(event, StreamEndEvent):
            return None, lines
        if not isinstance(event, DocumentStartEvent):
            raise _Fallback
        value = _fast_node(get, get(), (), lines, offset, 0)
        if not isinstance(get(), DocumentEndEvent) or not isinstance(get(), StreamEndEvent):
            raise _Fallback
        return value, lines
    except _Fallback:
        raise
    except Exception as exc:  # syntax errors, recursion, anything: let the reference reader decide
        raise _Fallback from exc
    finally:
        parser.dispose()


def _fast_node(get: Any, event: Any, path: KeyPath, lines: dict[KeyPath, int], offset: int, depth: int) -> Any:
    # Exact types (libyaml makes no subclasses), and a scalar in a mapping is read without a call of its own:
    # most of the front-matter is scalars, and this runs for every one of them.
    kind = type(event)
    if kind is ScalarEvent:
        lines[path] = event.start_mark.line + offset
        return _fast_scalar(event)
    if (kind is not MappingStartEvent and kind is not SequenceStartEvent) or event.anchor is not None \
            or event.tag is not None or depth >= MAX_DEPTH:
        raise _Fallback
    lines[path] = event.start_mark.line + offset
    if kind is SequenceStartEvent:
        items: list[Any] = []
        while type(item := get()) is not SequenceEndEvent:
            items.append(_fast_node(get, item, path + (len(items),), lines, offset, depth + 1))
        return items
    result: dict[str, Any] = {}
    while type(key_event := get()) is not MappingEndEvent:
        if type(key_event) is not ScalarEvent or key_event.anchor is not None or key_event.tag is not None:
            raise _Fallback
        key = key_event.value
        if (key == "<<" and not key_event.style) or key in result or _ESCAPED_CONTROL.search(key):
            raise _Fallback
        key_path = path + (key,)
        value_event = get()
        if type(value_event) is ScalarEvent:
            result[key] = _fast_scalar(value_event)
        else:
            result[key] = _fast_node(get, value_event, key_path, lines, offset, depth + 1)
        key_mark: Any = key_event.start_mark  # libyaml always sets it
        lines[key_path] = key_mark.line + offset  # the key's line, not its value's
    return result


def _fast_scalar(event: Any) -> Any:
    value = event.value
    style = event.style
    if event.anchor is not None or event.tag is not None or style == "|" or style == ">" \
            or not (value or style) or _ESCAPED_CONTROL.search(value):
        raise _Fallback  # libyaml accepts block headers such as '|#', and marks empty values elsewhere
    return _scalar_value(value, style)


def decode_utf8(data: bytes, path: str, code: str, advice: str = "") -> tuple[str | None, Problem | None]:
    """UTF-8 bytes (without a BOM) to text with LF line ends, or the problem naming the first bad byte's line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8{advice}"
        return None, error(path, line, code, message)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, None


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text with LF line ends; refuse non-UTF-8, oversized and control characters."""
    if len(data) > MAX_FILE_BYTES:
        return None, [error(path, 1, "E003", f"file is larger than the limit of {MAX_FILE_BYTES:,} bytes")]
    data = data.removeprefix(b"\xef\xbb\xbf")
    text, problem = decode_utf8(data, path, "E001")
    if text is None:
        return None, [problem] if problem else []
    # A quick test on the bytes (a regex search over a long text is slow); the regex then finds where.
    suspect = len(data.translate(None, _SUSPECT_BYTES)) != len(data)
    match = CONTROL.search(text) if suspect else None
    if match:
        line = text.count("\n", 0, match.start()) + 1
        char = match.group()
        name = unicodedata.name(char, "control character")
        message = f"invisible character U+{ord(char):04X} ({name}) is not allowed; delete it"
        return None, [error(path, line, "E002", message)]
    return text, []


#: The line that closes the front-matter: '---' or '...' and nothing but whitespace after it (``str.rstrip()``'s
#: whitespace is the regex's ``\s``).
_CLOSING_LINE = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)


def read_document(data: bytes, path: str) -> Document:
    """Split and parse a Markdown file with front-matter; problems are collected, never raised."""
    doc = Document(path=path)
    text, problems = decode(data, path)
    if text is None:
        doc.problems = problems
        return doc
    # The text is cut at the front-matter's first and closing lines, never split into all its lines: the body
    # is most of the file, and is kept whole.
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != "---":
        doc.problems = [error(path, 1, "E010", "no front-matter: the file must start with a line '---'")]
        return doc
    closing = _CLOSING_LINE.search(text, first_end + 1) if first_end >= 0 else None
    if closing is None:
        doc.problems = [error(path, 1, "E011", "front-matter is not closed: add a line '---' after it")]
        return doc
    yaml_text = text[first_end + 1 : max(closing.start() - 1, first_end + 1)]
    if len(yaml_text.encode("utf-8")) > MAX_FRONTMATTER_BYTES:
        doc.problems = [
            error(path, 1, "E019", f"front-matter is larger than {MAX_FRONTMATTER_BYTES:,} bytes")
        ]
        return doc
    body_start = text.find("\n", closing.end())
    doc.body = "" if body_start < 0 else text[body_start + 1 :]
    doc.body_line = text.count("\n", 0, closing.start()) + 2
    if "#" in yaml_text:
        doc.comments = [
            (number + 2, line.lstrip(" ")[1:].strip())
            for number, line in enumerate(yaml_text.split("\n"))
            if line.lstrip(" ").startswith("#")
        ]
    value, key_lines, yaml_problems = parse_yaml(yaml_text, path, first_line=2)
    doc.lines = key_lines
    doc.lines[()] = 1
    if yaml_problems:
        doc.problems = yaml_problems
        return doc
    if value is None:
        doc.problems = [error(path, 1, "E020", "front-matter is empty: write the fields between the '---' lines")]
        return doc
    if not isinstance(value, dict):
        doc.problems = [error(path, 2, "E020", "front-matter must be a mapping of 'key: value' lines")]
        return doc
    doc.meta = value
    return doc
