"""Parse a Markdown document of interview questions into sections of questions.

Pure: no database, no Django. Structure comes from markdown-it-py's syntax tree; every numbered
or bulleted item of a top-level list is one question, and the heading it sits under is its section.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from assessments.importing._render import (
    LIST_TYPES,
    blocks_to_markdown,
    excerpt,
    first_line,
    heading_title,
    is_bold_only,
)
from assessments.importing.kinds import infer_kind
from assessments.importing.parsed import (
    MarkdownImportError,
    ParsedQuestion,
    ParsedQuestionSet,
    ParsedSection,
    SkippedBlock,
)

DEFAULT_SECTION_TITLE = "Questions"
BOLD_HEADING_LEVEL = 7  # a bold-only line ranks below every "#" heading
HEADING_WITHOUT_QUESTIONS = "heading with no questions under it"
EMPTY_ITEM = "empty list item"
_SKIP_REASONS = {
    "paragraph": "prose paragraph, not a list item",
    "fence": "code block outside a list item",
    "code_block": "code block outside a list item",
    "table": "table outside a list item",
    "html_block": "HTML block",
    "blockquote": "block quote, not a list item",
}
_SILENTLY_IGNORED = frozenset({"hr"})
_PARSER = MarkdownIt("commonmark").enable("table")


@dataclass(frozen=True)
class _Heading:
    node: SyntaxTreeNode
    level: int
    title: str
    owns_list: bool


@dataclass
class _OpenSection:
    title: str
    line: int
    kind_context: str
    heading: SyntaxTreeNode | None
    questions: list[ParsedQuestion] = field(default_factory=list)


def parse_question_set(text: str) -> ParsedQuestionSet:
    """Parse Markdown text into a question set; raise MarkdownImportError if it holds no questions.

    Deterministic: the same text always gives an equal result.
    """
    source = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not source.strip():
        raise MarkdownImportError("no questions found: the document is empty")
    nodes = SyntaxTreeNode(_PARSER.parse(source)).children
    question_set = _Assembler(source.split("\n")).run(nodes)
    if not question_set.sections:
        raise MarkdownImportError(
            "no questions found: the document has no numbered or bulleted list items "
            "(write each question as a list item, e.g. '1. What is …?' or '- What is …?')"
        )
    return question_set


def _find_headings(nodes: list[SyntaxTreeNode]) -> dict[int, _Heading]:
    """Headings and bold-only paragraphs by node index, each knowing whether a list follows it."""
    positions = [i for i, node in enumerate(nodes) if node.type == "heading" or is_bold_only(node)]
    ends = [*positions[1:], len(nodes)] if positions else []
    headings = {}
    for position, end in zip(positions, ends, strict=True):
        node = nodes[position]
        level = int(node.tag[1]) if node.type == "heading" else BOLD_HEADING_LEVEL
        owns_list = any(following.type in LIST_TYPES for following in nodes[position + 1 : end])
        headings[position] = _Heading(node, level, heading_title(node), owns_list)
    return headings


def _title_position(headings: dict[int, _Heading]) -> int | None:
    """The document's only "#" heading, if it comes before every other heading."""
    top_level = [position for position, heading in headings.items() if heading.level == 1]
    if len(top_level) == 1 and top_level[0] == min(headings):
        return top_level[0]
    return None


class _Assembler:
    """Walks the top-level blocks once, opening a section at each heading that has lists under it."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.title: str | None = None
        self.sections: list[ParsedSection] = []
        self.skipped: list[SkippedBlock] = []
        self.current: _OpenSection | None = None
        self.enclosing: list[tuple[int, str]] = []  # (level, title) of the headings above the current one

    def run(self, nodes: list[SyntaxTreeNode]) -> ParsedQuestionSet:
        headings = _find_headings(nodes)
        title_position = _title_position(headings)
        for position, node in enumerate(nodes):
            if position == title_position:
                self.title = headings[position].title or None
            elif position in headings:
                self._enter_heading(headings[position])
            elif node.type in LIST_TYPES:
                self._add_items(node)
            elif node.type not in _SILENTLY_IGNORED:
                self._skip(node, _SKIP_REASONS.get(node.type, f"unsupported block ({node.type})"))
        self._close_section()
        skipped = sorted(self.skipped, key=lambda block: block.line)
        return ParsedQuestionSet(self.title, tuple(self.sections), tuple(skipped))

    def _enter_heading(self, heading: _Heading) -> None:
        self._close_section()
        while self.enclosing and self.enclosing[-1][0] >= heading.level:
            self.enclosing.pop()
        context = " / ".join([*(title for _, title in self.enclosing), heading.title])
        self.enclosing.append((heading.level, heading.title))
        if heading.owns_list:
            title = heading.title or DEFAULT_SECTION_TITLE
            self.current = _OpenSection(title, first_line(heading.node), context, heading.node)
        else:
            self._skip(heading.node, HEADING_WITHOUT_QUESTIONS)

    def _add_items(self, list_node: SyntaxTreeNode) -> None:
        section = self.current or self._open_default_section(list_node)
        for item in list_node.children:
            prompt = blocks_to_markdown(item.children, self.lines)
            if not prompt:
                self._skip(item, EMPTY_ITEM)
                continue
            kind = infer_kind(section.kind_context, prompt)
            section.questions.append(ParsedQuestion(prompt=prompt, kind=kind, line=first_line(item)))

    def _open_default_section(self, list_node: SyntaxTreeNode) -> _OpenSection:
        # Items above every section heading; the set title (if any) is the only context for their kind.
        self.current = _OpenSection(DEFAULT_SECTION_TITLE, first_line(list_node), self.title or "", None)
        return self.current

    def _close_section(self) -> None:
        section, self.current = self.current, None
        if section is None:
            return
        if section.questions:
            self.sections.append(ParsedSection(section.title, tuple(section.questions), section.line))
        elif section.heading is not None:
            self._skip(section.heading, HEADING_WITHOUT_QUESTIONS)

    def _skip(self, node: SyntaxTreeNode, reason: str) -> None:
        self.skipped.append(SkippedBlock(line=first_line(node), reason=reason, excerpt=excerpt(node, self.lines)))
