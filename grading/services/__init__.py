from grading.services.grade import GradeOutcome, attempts_repair_graded, submission_grade
from grading.services.publish import coding_spec_publish, coding_specs_publish_pending
from grading.services.submissions import submission_claim, submission_create, submission_requeue, submissions_sweep

__all__ = [
    "GradeOutcome",
    "attempts_repair_graded",
    "coding_spec_publish",
    "coding_specs_publish_pending",
    "submission_claim",
    "submission_create",
    "submission_grade",
    "submission_requeue",
    "submissions_sweep",
]
