"""The MkDocs adapter: the only code that imports ``mkdocs`` or ``jinja2``."""
