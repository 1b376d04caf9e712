"""Django admin for the assessments app, one module per models module."""

from assessments.admin import accommodations, attempts, candidates, import_jobs, question_sets, questions

__all__ = ["accommodations", "attempts", "candidates", "import_jobs", "question_sets", "questions"]
