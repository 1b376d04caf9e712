"""The candidate's pages under /take/<token>/ (their JSON API is api.views.candidate_attempt)."""
