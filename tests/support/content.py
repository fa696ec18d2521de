"""Synthetic cases and briefs that more than one test module builds sites from.

``CASES`` adds a case with a hostile title and one more to the fixture site (the site tests and the reader in
Chromium); ``BRIEF`` is a valid brief on the fixture's cases; ``THEME_ID_BRIEF`` is a brief whose title and heading
are ids Material's JavaScript reads.
"""

from __future__ import annotations

import json

from support import FIXTURES

HOSTILE = "<script>alert(1)</script> | [x](javascript:y)"
BODY = (FIXTURES / "site/cases/mx-social-programme.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def synthetic(
    title: str, countries: list[str], mechanisms: list[str], areas: list[str], start: int, **extra: str
) -> str:
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        f"summary: {json.dumps(extra.pop('summary', 'Synthetic fixture: a case made up for tests.'))}",
        'type: "profile"',
        'status: "published"',
        f"countries: {json.dumps(countries)}",
        f"policy_areas: {json.dumps(areas)}",
        f"mechanisms: {json.dumps(mechanisms)}",
        "period:",
        f"  start: {start}",
        f"authors: {json.dumps([extra.pop('author', 'Test Author')])}",
    ]
    lines += [f"{key}: {json.dumps(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n---\n" + BODY


CASES = {
    # Norway and Sweden; shares coordination-post and central-government with no-coordination-minister.
    "se-hostile-title.md": synthetic(
        HOSTILE, ["SE", "NO"], ["coordination-post", "joint-working-group"], ["central-government", "health"], 2003,
        summary="Synthetic fixture: <img src=x onerror=alert(2)> a summary with markup.",
        author="<b>Author</b>", updated="2026-02-01",
    ),
    "mx-one-stop.md": synthetic(
        "A synthetic one-stop shop", ["MX"], ["one-stop-shop", "inter-agency-unit"], ["employment-services"], 2001,
    ),
}


BRIEF = """\
---
title: "Synthetic brief on programme coordination"
summary: "Synthetic fixture: what two synthetic cases suggest about coordinating ministries behind one programme."
status: "published"
audience: ["Programme managers"]
cases: ["mx-social-programme", "no-coordination-minister"]
key_messages:
  - "Synthetic key message one: agree the rules first."
  - "Synthetic key message two: protect the budget."
authors: ["Test Author"]
date: "2026-03-01"
---

## Why this brief

Synthetic body text. See the [programme case](../cases/mx-social-programme.md).
"""


#: A brief titled with the id Material reads its configuration from, with a heading that takes its search id.
THEME_ID_BRIEF = """\
---
title: "__config"
summary: "Synthetic fixture: a brief whose title is the id Material reads its configuration from."
status: "published"
audience: ["Programme managers"]
cases: ["mx-social-programme"]
key_messages:
  - "Synthetic key message."
authors: ["Test Author"]
date: "2026-03-01"
---

## __search

Synthetic body text [@doe2020].

## Key messages

A heading with the text of the brief's own generated section.
"""
