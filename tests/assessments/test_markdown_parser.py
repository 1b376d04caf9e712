"""The pure Markdown question-set parser: the shipped seed file and the other common styles."""

from pathlib import Path

import pytest

from assessments.importing import (
    DEFAULT_SECTION_TITLE,
    MarkdownImportError,
    ParsedQuestionSet,
    QuestionKind,
    infer_kind,
    parse_question_set,
)

C, T, B = QuestionKind.CODING, QuestionKind.CONCEPTUAL, QuestionKind.BEHAVIOURAL
SEED_CANDIDATES = (
    Path("/work/main/assessments/seed/nlp-ml-intern-questions.md"),
    Path("/work/shared/seeds/nlp-ml-intern-questions.md"),
)


def seed_text() -> str:
    path = next((p for p in SEED_CANDIDATES if p.is_file()), None)
    if path is None:
        pytest.fail("seed file nlp-ml-intern-questions.md not found")
    return path.read_text(encoding="utf-8")


def titles(result: ParsedQuestionSet) -> list[str]:
    return [section.title for section in result.sections]


def prompts(result: ParsedQuestionSet) -> list[str]:
    return [question.prompt for question in result.questions]


def reasons(result: ParsedQuestionSet) -> list[tuple[int, str]]:
    return [(block.line, block.reason) for block in result.skipped]


# --- the seed file -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedQuestionSet:
    return parse_question_set(seed_text())


def test_seed_has_four_sections_with_emphasis_stripped(seed: ParsedQuestionSet) -> None:
    assert titles(seed) == [
        "Basic Technical Questions",
        "Intermediate Technical Questions",
        "Advanced Technical Questions",
        "Behavioral Question",
    ]
    assert seed.title is None
    assert [len(section.questions) for section in seed.sections] == [5, 5, 5, 5]
    assert len(seed.questions) == 20


@pytest.mark.parametrize(
    ("index", "first", "last"),
    [
        (
            0,
            "What is NLP and why is it important? Briefly describe some common NLP tasks.",
            "What is TF-IDF and how does it improve upon Bag-of-Words?",
        ),
        (
            1,
            "Explain the concept of word embeddings. How do Word2Vec or GloVe capture semantic relationships "
            "between words?",
            "Explain attention mechanism and how it improves performance in seq2seq models?",
        ),
        (
            2,
            "Explain the Transformer architecture and its advantages over RNNs for NLP tasks. Describe the roles "
            "of self-attention and multi-head attention.",
            "Discuss the challenges of deploying large language models in resource-constrained environments. What "
            "are some model compression techniques that can be used to reduce model size and improve inference "
            "speed?",
        ),
        (
            3,
            "Describe a time when you had to learn a new NLP concept or framework quickly. What was your approach?",
            "Describe a time when you had to debug a particularly difficult NLP model. What steps did you take to "
            "identify and fix the problem?",
        ),
    ],
)
def test_seed_first_and_last_prompt_of_each_section(seed: ParsedQuestionSet, index: int, first: str, last: str) -> None:
    questions = seed.sections[index].questions
    assert questions[0].prompt == first
    assert questions[-1].prompt == last


def test_seed_blank_line_inside_advanced_list_does_not_split_it(seed: ParsedQuestionSet) -> None:
    advanced = seed.sections[2]
    assert advanced.questions[1].prompt.startswith("Discuss different optimization techniques")
    assert advanced.questions[2].prompt.startswith("Describe the concept of transfer learning")
    assert [q.line for q in advanced.questions] == [23, 24, 26, 27, 28]


def test_seed_kinds(seed: ParsedQuestionSet) -> None:
    kinds = [[question.kind for question in section.questions] for section in seed.sections]
    assert kinds == [[T, T, T, T, T], [T, T, T, C, T], [T, T, T, C, T], [B, B, B, B, B]]
    coding = [q.prompt for q in seed.questions if q.kind == C]
    assert coding[0].startswith("Implement a function in Python that calculates the cosine similarity")
    assert coding[1].startswith("Implement a function in python to perform beam search decoding")


def test_seed_preamble_is_skipped_with_a_reason(seed: ParsedQuestionSet) -> None:
    assert len(seed.skipped) == 1
    preamble = seed.skipped[0]
    assert preamble.line == 3
    assert preamble.reason == "prose paragraph, not a list item"
    assert preamble.excerpt.startswith("Okay, here are 20 interview questions")
    assert not any(p.startswith("Okay") for p in prompts(seed))


def test_seed_lines_point_at_the_source(seed: ParsedQuestionSet) -> None:
    source_lines = seed_text().splitlines()
    assert [s.line for s in seed.sections] == [5, 13, 21, 30]
    for question in seed.questions:
        assert question.prompt in source_lines[question.line - 1]


def test_seed_parse_is_deterministic_and_survives_crlf_bom_and_trailing_spaces(seed: ParsedQuestionSet) -> None:
    text = seed_text()
    assert parse_question_set(text) == seed
    mangled = "\ufeff" + "\r\n".join(line + "   " for line in text.split("\n"))
    assert parse_question_set(mangled) == seed


# --- headings and sections ---------------------------------------------------------------------------------


def test_single_h1_is_the_title_and_h2s_are_sections() -> None:
    result = parse_question_set(
        "# Backend loop\n\n## Python\n\n1. What is the GIL?\n\n## SQL\n\n1. What is an index?\n"
    )
    assert result.title == "Backend loop"
    assert titles(result) == ["Python", "SQL"]
    assert prompts(result) == ["What is the GIL?", "What is an index?"]
    assert result.skipped == ()


def test_two_h1s_are_both_sections_and_there_is_no_title() -> None:
    result = parse_question_set("# Python\n- What is the GIL?\n# SQL\n- What is an index?\n")
    assert result.title is None
    assert titles(result) == ["Python", "SQL"]


def test_h3_sections_under_an_h2_group_heading() -> None:
    text = "# Loop\n\n## Technical\n\n### Python\n\n1. What is the GIL?\n\n### SQL\n\n1. What is an index?\n"
    result = parse_question_set(text)
    assert result.title == "Loop"
    assert titles(result) == ["Python", "SQL"]
    assert reasons(result) == [(3, "heading with no questions under it")]


def test_setext_headings() -> None:
    result = parse_question_set("Python\n------\n\n1. What is the GIL?\n")
    assert titles(result) == ["Python"]


def test_bold_only_lines_act_as_headings() -> None:
    text = "**Technical:**\n1. What is a closure?\n\n__Culture fit__\n\n1. Why us?\n"
    result = parse_question_set(text)
    assert titles(result) == ["Technical", "Culture fit"]
    assert [q.kind for q in result.questions] == [T, B]


def test_bold_text_inside_a_sentence_is_prose_not_a_heading() -> None:
    result = parse_question_set("Answer **all** questions.\n\n1. What is a closure?\n")
    assert titles(result) == [DEFAULT_SECTION_TITLE]
    assert reasons(result) == [(1, "prose paragraph, not a list item")]


def test_heading_emphasis_links_and_code_are_reduced_to_text() -> None:
    text = "## *Deep* dive into [`asyncio`](https://example.com) **internals**\n\n- What is an event loop?\n"
    assert titles(parse_question_set(text)) == ["Deep dive into asyncio internals"]


def test_an_empty_heading_gets_the_default_section_title() -> None:
    result = parse_question_set("## Python\n\n- What is the GIL?\n\n##\n\n- What is an index?\n")
    assert titles(result) == ["Python", DEFAULT_SECTION_TITLE]


def test_questions_before_any_heading_go_to_a_default_section() -> None:
    text = "1. What is a closure?\n2. What is a decorator?\n\n## Behavioural\n\n1. Tell me about a conflict.\n"
    result = parse_question_set(text)
    assert titles(result) == [DEFAULT_SECTION_TITLE, "Behavioural"]
    assert result.sections[0].line == 1
    assert [len(s.questions) for s in result.sections] == [2, 1]


def test_questions_directly_under_the_title_go_to_the_default_section() -> None:
    result = parse_question_set("# Python screen\n\n- What is a closure?\n- Implement FizzBuzz.\n")
    assert result.title == "Python screen"
    assert titles(result) == [DEFAULT_SECTION_TITLE]
    assert [q.kind for q in result.questions] == [T, C]


def test_headings_without_questions_are_reported_and_create_no_section() -> None:
    text = "## Intro\n\nWelcome.\n\n## Python\n\n1. What is the GIL?\n\n## Wrap-up\n"
    result = parse_question_set(text)
    assert titles(result) == ["Python"]
    assert reasons(result) == [
        (1, "heading with no questions under it"),
        (3, "prose paragraph, not a list item"),
        (9, "heading with no questions under it"),
    ]
    assert result.skipped[0].excerpt == "## Intro"


def test_heading_whose_only_items_are_empty_is_reported_not_kept() -> None:
    result = parse_question_set("## Empty\n\n1.\n\n## Python\n\n1. What is the GIL?\n")
    assert titles(result) == ["Python"]
    assert reasons(result) == [(1, "heading with no questions under it"), (3, "empty list item")]


# --- list styles -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", ["1.", "1)", "-", "*", "+"])
def test_every_list_marker_style(marker: str) -> None:
    numbered = marker[0] == "1"
    second = ("2" + marker[1]) if numbered else marker
    result = parse_question_set(f"## Python\n\n{marker} What is a closure?\n{second} What is a decorator?\n")
    assert prompts(result) == ["What is a closure?", "What is a decorator?"]


def test_lists_split_by_a_marker_change_stay_in_one_section_in_order() -> None:
    text = "## Python\n\n1. First?\n2. Second?\n\n3) Third?\n- Fourth?\n* Fifth?\n"
    result = parse_question_set(text)
    assert titles(result) == ["Python"]
    assert prompts(result) == ["First?", "Second?", "Third?", "Fourth?", "Fifth?"]
    assert [q.line for q in result.questions] == [3, 4, 6, 7, 8]


def test_prose_between_lists_of_one_section_is_skipped() -> None:
    result = parse_question_set("## Python\n\n1. First?\n\nA note for interviewers.\n\n2. Second?\n")
    assert prompts(result) == ["First?", "Second?"]
    assert reasons(result) == [(5, "prose paragraph, not a list item")]


def test_nested_bullets_stay_in_the_parent_prompt() -> None:
    text = "## Python\n\n1. Compare these:\n   - lists\n   - tuples\n     1. mutability\n2. Next?\n"
    result = parse_question_set(text)
    assert prompts(result) == ["Compare these:\n\n- lists\n- tuples\n\n  1. mutability", "Next?"]


def test_inline_markdown_is_kept_and_wrapped_lines_are_joined() -> None:
    text = "- What does `**kwargs` do in\n  a *function* signature?   \n  See [docs](https://example.com).\n"
    (question,) = parse_question_set(text).questions
    assert question.prompt == "What does `**kwargs` do in a *function* signature? See [docs](https://example.com)."


def test_code_block_inside_an_item_is_part_of_the_prompt_verbatim() -> None:
    text = "1. What does this print?\n\n   ```python\n   def f(x=[]):\n       x.append(1)\n   ```\n2. Next?\n"
    result = parse_question_set(text)
    assert prompts(result)[0] == "What does this print?\n\n```python\ndef f(x=[]):\n    x.append(1)\n```"
    assert result.skipped == ()


def test_code_blocks_tables_quotes_and_html_between_sections_are_skipped() -> None:
    text = (
        "## Python\n\n- What is a closure?\n\n```\nprint(1)\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n\n<div>html</div>\n\n---\n\n    indented code\n"
    )
    result = parse_question_set(text)
    assert prompts(result) == ["What is a closure?"]
    assert reasons(result) == [
        (5, "code block outside a list item"),
        (9, "table outside a list item"),
        (13, "block quote, not a list item"),
        (15, "HTML block"),
        (19, "code block outside a list item"),
    ]


def test_long_excerpts_are_cut() -> None:
    result = parse_question_set("word " * 100 + "\n\n- Question?\n")
    assert len(result.skipped[0].excerpt) == 80
    assert result.skipped[0].excerpt.endswith("…")


# --- kinds -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "prompt", "kind"),
    [
        ("Behavioral Question", "Implement a function that sorts.", B),
        ("Behavioural questions", "Tell me about a time…", B),
        ("Culture", "Why this company?", B),
        ("Soft Skills", "How do you give feedback?", B),
        ("soft-skills", "How do you give feedback?", B),
        ("Python", "Implement a function that sorts.", C),
        ("Python", "implement an LRU cache", C),
        ("Python", "**Implement** a trie.", C),
        ("Python", "Write a function that reverses a string.", C),
        ("Python", "Write a Python function that reverses a string.", C),
        ("Python", "Write code to parse a CSV file.", C),
        ("Python", "Code a function that merges two sorted lists.", C),
        ("Python", "What is an implementation detail?", T),
        ("Python", "Implementation details of dicts?", T),
        ("Python", "Explain how you would implement a cache.", T),
        ("Behaviour trees in games", "Explain.", B),
    ],
)
def test_infer_kind(section: str, prompt: str, kind: QuestionKind) -> None:
    assert infer_kind(section, prompt) == kind


def test_enclosing_behavioural_heading_makes_subsections_behavioural() -> None:
    text = "## Behavioural\n\n### Past projects\n\n- Describe your last project.\n\n## Python\n\n- Implement a stack.\n"
    result = parse_question_set(text)
    assert titles(result) == ["Past projects", "Python"]
    assert [q.kind for q in result.questions] == [B, C]


def test_a_behavioural_title_does_not_leak_into_named_sections() -> None:
    text = "# Technical and behavioural loop\n\n## Python\n\n- What is the GIL?\n"
    assert [q.kind for q in parse_question_set(text).questions] == [T]


# --- errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n", "\ufeff\r\n"])
def test_empty_document_is_an_error(text: str) -> None:
    with pytest.raises(MarkdownImportError, match="no questions found: the document is empty"):
        parse_question_set(text)


@pytest.mark.parametrize(
    "text",
    [
        "# Title\n\nJust some prose.\n",
        "## Python\n\n```\ncode\n```\n",
        "1.\n2.\n",
    ],
)
def test_document_without_list_items_is_an_error(text: str) -> None:
    with pytest.raises(MarkdownImportError, match="no questions found: the document has no numbered or bulleted"):
        parse_question_set(text)


def test_import_error_is_a_value_error() -> None:
    assert issubclass(MarkdownImportError, ValueError)
