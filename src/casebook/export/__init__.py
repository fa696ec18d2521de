"""``casebook export``: the site as plain Markdown that any MkDocs-compatible engine builds."""
