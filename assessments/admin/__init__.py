"""Django admin for the assessments app, one module per models module."""

from assessments.admin import attempts, organisations, question_sets, questions

__all__ = ["attempts", "organisations", "question_sets", "questions"]
