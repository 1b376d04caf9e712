"""Markdown to HTML for the pages and the API: CommonMark plus tables, raw HTML never passed through."""

from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML disabled (candidate and author text is never trusted as HTML)."""
    return _markdown.render(text)
