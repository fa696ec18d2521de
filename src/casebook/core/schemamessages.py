"""A JSON Schema error in a contributor's terms: what the field expects, in the form to write, and a fix that passes.

A suggested fix is checked before it is offered: ``(write ["NO"])`` for ``countries: "Norway"`` only because
``"NO"`` is a country code, a year only when it is in the schema's range, a date only when it is a real one. When no
fix is certain the message names the form instead, with an example that would pass.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from casebook.core.countries import guess_country
from casebook.core.taxonomy import suggestion

if TYPE_CHECKING:  # imported only when a file fails the schema
    import jsonschema

#: The schema's pattern of a date field (``updated``, a brief's ``date``), and how messages write it.
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_FORM = '"YYYY-MM-DD"'
DATE_EXAMPLE = '"2026-03-01"'

#: What an item of a vocabulary field is (one, several), for values that are not.
_NOUNS = {"countries": ("a country code", "country codes"), "mechanisms": ("a mechanism id", "mechanism ids"),
          "policy_areas": ("a policy area id", "policy area ids"), "cases": ("a case's slug", "cases' slugs"),
          "authors": ("a name of at least two characters", "names of at least two characters")}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    return {int: "a number", str: "text", list: "a list", dict: "a mapping", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _real_date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _spoken(iso: str) -> str:
    date = datetime.date.fromisoformat(iso)
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def _month(word: str) -> int | None:
    """The number of the month an English name or its three-letter abbreviation stands for (``Sept`` too)."""
    word = word.casefold()
    found = [i + 1 for i, name in enumerate(_MONTHS) if len(word) >= 3 and name.casefold().startswith(word[:3])
             and name.casefold().startswith(word.rstrip("."))]
    return found[0] if len(found) == 1 else None


def date_fix(text: str) -> str:
    """What to write instead of ``text`` in a date field: the date in ``"YYYY-MM-DD"`` form when ``text`` is a date
    written otherwise, both readings when day and month could be swapped, else the form and an example."""
    year_first = re.fullmatch(r"\s*([0-9]{4})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})\s*", text)
    year_last = re.fullmatch(r"\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{4})\s*", text)
    words = re.fullmatch(r"\s*(?:([0-9]{1,2})\.?\s+([A-Za-z]+)|([A-Za-z]+)\.?\s+([0-9]{1,2}),?)\s+([0-9]{4})\s*", text)
    readings: list[str] = []
    month = _month(words[2] or words[3]) if words else None
    if words and month:
        readings = [_real_date(int(words[5]), month, int(words[1] or words[4])) or ""]
    elif year_first:
        readings = [_real_date(int(year_first[1]), int(year_first[2]), int(year_first[3])) or ""]
    elif year_last:
        a, b, year = int(year_last[1]), int(year_last[2]), int(year_last[3])
        readings = [_real_date(year, b, a) or "", _real_date(year, a, b) or ""]  # day first, then month first
    found = list(dict.fromkeys(r for r in readings if r))
    if len(found) == 1:
        return f'write "{found[0]}"'
    if len(found) == 2:
        return (f'write the year first: "{found[0]}" for {_spoken(found[0])} or "{found[1]}" for '
                f'{_spoken(found[1])}')
    return f"for example {DATE_EXAMPLE} for 1 March 2026"


def _year_message(where: str, instance: Any, schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum", 1800), schema.get("maximum", 2100)
    if isinstance(instance, str):
        digits = re.match(r"\s*([0-9]{4})(?![0-9])", instance)
        if digits and low <= int(digits[1]) <= high:
            if instance.strip() == digits[1]:  # plain digits are read as a number: these were quoted
                return f"{where} must be a year written without quotes: write {digits[1]}"
            return f"{where} must be a four-digit year, not '{instance}': write {digits[1]}"
        return f"{where} must be a four-digit year such as 2006, not '{instance}'"
    return f"{where} must be a four-digit year such as 2006, not {type_name(instance)}"


#: The ids each field's items are checked against elsewhere (mechanisms, policy areas, a brief's cases).
Vocabularies = Mapping[str, Collection[str]]


def _item_fix(field: str, value: Any, item_schema: dict[str, Any], vocabularies: Vocabularies) -> Any:
    """The item to put in a list instead of ``value``, one item written alone, if one would pass; else ``None``."""
    if field == "countries":
        return guess_country(value) if isinstance(value, str) else None
    if field in vocabularies:
        known = vocabularies[field]
        return (value if value in known else suggestion(value, known)) if isinstance(value, str) else None
    import jsonschema

    checker = jsonschema.validators.validator_for(item_schema)(item_schema)
    if checker.is_valid(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and checker.is_valid(str(value)):
        return str(value)
    return None


def list_items(field: str, text: str) -> list[str]:
    """The items a list written as one text stands for: ``"health, education"`` is two.

    Items are separated by commas or semicolons, and in ``authors`` by `` and `` too. A comma between single
    words of an author (``"Smith, Ann"``) is the surname-first form of one name, not two names.
    """
    parts = re.split(r";| and " if field == "authors" else r"[,;]", text)
    items: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in part.split(",")] if field == "authors" else [part.strip()]
        named = [p for p in pieces if p]
        if field == "authors" and len(named) > 1 and not all(" " in p for p in named):
            named = [part.strip().strip(",").strip()]
        items += [p for p in named if p]
    return items


def _list_fix(field: str, value: str | int, item_schema: dict[str, Any],
              vocabularies: Vocabularies) -> tuple[list[Any], list[str]]:
    """(the list to write instead of ``value``, the items written that no fix was found for).

    Every item the contributor wrote is in one or the other: a suggestion never drops a value.
    """
    # Only a list of words is split: an item of another kind (an organisation) is no piece of a text.
    words = field == "countries" or field in vocabularies or item_schema.get("type") == "string"
    items: list[Any] = list_items(field, value) if isinstance(value, str) and words else [value]
    if not items:
        items = [value]  # only separators: named as written
    fixed: list[Any] = []
    unmatched: list[str] = []
    for item in items:
        found = _item_fix(field, item, item_schema, vocabularies)
        if found is None:
            unmatched.append(str(item))
        elif found not in fixed:  # "Norway, NO" is one country
            fixed.append(found)
    return fixed, unmatched


def _not_items(field: str, unmatched: list[str]) -> str:
    """``'zzzz' is not a mechanism id``, or ``'a' and 'b' are not mechanism ids``."""
    one, several = _NOUNS.get(field, ("a valid item", "valid items"))
    if len(unmatched) == 1:
        return f"'{unmatched[0]}' is not {one}"
    named = ", ".join(f"'{u}'" for u in unmatched[:-1]) + f" and '{unmatched[-1]}'"
    return f"{named} are not {several}"


def schema_message(err: jsonschema.ValidationError, vocabularies: Vocabularies | None = None) -> tuple[str, str]:
    """(code, message) for a JSON Schema error, in the contributor's terms.

    ``vocabularies`` holds the ids of the fields whose items are checked elsewhere: a fix is offered in one of them
    only with an id it knows.
    """
    where = ".".join(str(p) for p in err.absolute_path) or "front-matter"
    validator = err.validator
    instance = err.instance
    schema: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
    if validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return "E101", f"missing required field '{missing}'" + ("" if where == "front-matter" else f" in {where}")
    if validator == "type":
        expected = err.validator_value
        if expected == "integer" and "minimum" in schema:
            return "E103", _year_message(where, instance, schema)
        if schema.get("pattern") == DATE_PATTERN:
            shown = str(instance) if isinstance(instance, (int, str)) else ""
            fix = date_fix(shown) if shown else f"for example {DATE_EXAMPLE}"
            return "E103", f"{where} must be a date in double quotes, in the form {DATE_FORM}, not " \
                f"{type_name(instance)} ({fix})"
        want = {"string": "text", "array": "a list", "object": "a mapping", "integer": "a whole number"}.get(
            str(expected), str(expected)
        )
        hint = ""
        if expected == "array" and isinstance(instance, (str, int)) and not isinstance(instance, bool):
            field = str(err.absolute_path[-1]) if err.absolute_path else ""
            fixed, unmatched = _list_fix(field, instance, schema.get("items", {}), vocabularies or {})
            if not unmatched:
                hint = f" (write {json.dumps(fixed, ensure_ascii=False)})"
            else:
                hint = f" (write a list in square brackets; {_not_items(field, unmatched)})"
        elif expected == "string" and isinstance(instance, (bool, int)):
            hint = " (put the value in double quotes)"
        return "E103", f"{where} must be {want}, not {type_name(instance)}{hint}"
    if validator == "enum":
        options = ", ".join(str(v) for v in err.validator_value)
        near = suggestion(str(instance), [str(v) for v in err.validator_value])
        hint = f" (did you mean '{near}'?)" if near is not None else ""
        return "E103", f"{where}: '{instance}' is not one of: {options}{hint}"
    if validator == "maxLength":
        return "E103", f"{where} is {len(instance)} characters long; the limit is {err.validator_value}"
    if validator == "minLength":
        return "E103", f"{where} is too short (at least {err.validator_value} characters)"
    if validator == "minItems":
        return "E103", f"{where} must list at least {err.validator_value} item(s)"
    if validator == "uniqueItems":
        return "E103", f"{where} lists the same value twice"
    if validator == "pattern":
        if err.validator_value == DATE_PATTERN:
            return "E103", f"{where}: '{instance}' is not a date in the form {DATE_FORM} ({date_fix(str(instance))})"
        return "E103", f"{where}: '{instance}' is not in the expected form"
    if validator in ("minimum", "maximum"):
        low, high = schema.get("minimum", 1800), schema.get("maximum", 2100)
        return "E103", f"{where}: {instance} is not a plausible year (a four-digit year from {low} to {high})"
    return "E103", f"{where}: {err.message}"
