"""Citations: the ``[@key]`` syntax in Markdown, and "cite this case"."""
