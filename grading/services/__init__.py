from grading.services.grade import GradeOutcome, submission_grade
from grading.services.publish import coding_spec_publish, coding_specs_publish_pending
from grading.services.submissions import submission_claim, submission_requeue, submissions_sweep
from grading.services.validation import spec_validation_publish, spec_validation_request, spec_validation_run

__all__ = [
    "GradeOutcome",
    "coding_spec_publish",
    "coding_specs_publish_pending",
    "spec_validation_publish",
    "spec_validation_request",
    "spec_validation_run",
    "submission_claim",
    "submission_grade",
    "submission_requeue",
    "submissions_sweep",
]
