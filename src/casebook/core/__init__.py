"""The core: reading and validating content, the model and the vocabularies. Imports nothing from MkDocs."""
