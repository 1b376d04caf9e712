"""The one-page candidate report: its data (``selectors``) and its server-drawn charts (``charts``)."""

from assessments.report.charts import coding_scores_chart, criterion_ratings_chart
from assessments.report.selectors import candidate_report, score_distribution

__all__ = ["candidate_report", "coding_scores_chart", "criterion_ratings_chart", "score_distribution"]
