"""Django admin for the assessments app, one module per models module."""

from assessments.admin import attempts, candidates, question_sets, questions

__all__ = ["attempts", "candidates", "question_sets", "questions"]
