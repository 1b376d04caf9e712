from grading.services.grade import GradeOutcome, submission_grade
from grading.services.publish import coding_spec_publish, coding_specs_publish_pending
from grading.services.submissions import submission_claim, submission_requeue, submissions_sweep

__all__ = [
    "GradeOutcome",
    "coding_spec_publish",
    "coding_specs_publish_pending",
    "submission_claim",
    "submission_grade",
    "submission_requeue",
    "submissions_sweep",
]
