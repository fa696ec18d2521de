"""Site generation: a validated catalogue goes in, pages, data files and HTML fragments come out. No MkDocs."""
