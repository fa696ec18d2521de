"""Casebook: a catalogue of case studies of coordination practices in public management.

The engine (loading, validation, page generation, export) is plain Python and
imports nothing from MkDocs; ``casebook.plugin`` adapts it to MkDocs.
"""

__version__ = "0.1.0"
