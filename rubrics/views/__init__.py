"""The interviewers' pages, one module per entity."""
