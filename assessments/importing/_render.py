"""Turning markdown-it syntax-tree nodes back into text: prompts, plain titles and excerpts."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from markdown_it.tree import SyntaxTreeNode

EXCERPT_LENGTH = 80
LIST_TYPES = frozenset({"bullet_list", "ordered_list"})
_TITLE_SEPARATORS = frozenset({"", ":"})


def normalise_whitespace(text: str) -> str:
    return " ".join(text.split())


def line_span(node: SyntaxTreeNode) -> tuple[int, int]:
    """0-based [start, end) source lines of a block node."""
    return node.map or (0, 0)


def first_line(node: SyntaxTreeNode) -> int:
    """1-based source line where a block node starts."""
    return line_span(node)[0] + 1


def excerpt(node: SyntaxTreeNode, lines: list[str]) -> str:
    """The block's source, whitespace-normalised and cut to EXCERPT_LENGTH characters."""
    start, end = line_span(node)
    text = normalise_whitespace(" ".join(lines[start:end]))
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def plain_text(node: SyntaxTreeNode) -> str:
    """Text of an inline node with emphasis, link and code markup removed."""
    if node.type in ("text", "code_inline"):
        return node.content
    if node.type in ("softbreak", "hardbreak"):
        return " "
    if node.type == "html_inline":
        return ""
    return "".join(plain_text(child) for child in node.children)


def heading_title(node: SyntaxTreeNode) -> str:
    """Plain title of a heading or bold-only paragraph: "## **Behavioral Question:**" -> "Behavioral Question"."""
    return normalise_whitespace(plain_text(node.children[0])).rstrip(":").rstrip()


def is_bold_only(node: SyntaxTreeNode) -> bool:
    """True for a paragraph that is nothing but one bold span (optionally followed by a colon)."""
    if node.type != "paragraph":
        return False
    inline = node.children[0]
    meaningful = [c for c in inline.children if not (c.type == "text" and c.content.strip() in _TITLE_SEPARATORS)]
    return len(meaningful) == 1 and meaningful[0].type == "strong"


def blocks_to_markdown(nodes: Iterable[SyntaxTreeNode], lines: list[str]) -> str:
    """Markdown for a run of block nodes: prose whitespace-normalised, code kept verbatim."""
    blocks = (_render_block(node, lines) for node in nodes)
    return "\n\n".join(block for block in blocks if block)


def _render_block(node: SyntaxTreeNode, lines: list[str]) -> str:
    if node.type == "paragraph":
        return normalise_whitespace(node.children[0].content)
    if node.type in LIST_TYPES:
        return "\n".join(_render_list_item(item, lines) for item in node.children)
    if node.type in ("fence", "code_block"):
        fence = node.markup if node.type == "fence" else "```"
        return f"{fence}{node.info}\n{node.content.rstrip()}\n{fence}"
    if node.type == "heading":
        return f"{'#' * int(node.tag[1])} {normalise_whitespace(node.children[0].content)}"
    if node.type == "blockquote":
        quoted = blocks_to_markdown(node.children, lines).split("\n")
        return "\n".join(f"> {line}".rstrip() for line in quoted)
    start, end = line_span(node)  # tables, HTML, rules: the source itself
    return textwrap.dedent("\n".join(lines[start:end])).strip()


def _render_list_item(item: SyntaxTreeNode, lines: list[str]) -> str:
    marker = f"{item.info}{item.markup}" if item.info else item.markup
    first, *rest = blocks_to_markdown(item.children, lines).split("\n")
    indent = " " * (len(marker) + 1)
    return "\n".join([f"{marker} {first}".rstrip(), *(indent + line if line else "" for line in rest)])
