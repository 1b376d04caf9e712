"""A question set's settings: what candidates see of their final grading on the hidden tests."""

from django.db import transaction

from assessments.models import QuestionSet


@transaction.atomic
def question_set_update(*, question_set: QuestionSet, hidden_feedback: str) -> QuestionSet:
    """Change the hidden-test feedback policy; it applies to what candidates read from now on."""
    question_set.hidden_feedback = hidden_feedback
    question_set.full_clean(validate_constraints=False)
    question_set.save(update_fields=["hidden_feedback", "updated_at"])
    return question_set
