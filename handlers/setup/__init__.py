"""Setting up a company from chat (issue 14): org-wide roles, projects, plans, contracts and
payment schedules, stoppages."""
