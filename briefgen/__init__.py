"""briefgen: turn source news articles and YAML annotations into a cross-linked briefing site and PDF."""

__version__ = "0.1.0"
