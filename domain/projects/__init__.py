"""Projects as a contractor sets them up: create (also from a won opportunity), edit, close and
reopen, and stoppages (停工) that the SLA clock and the plan respect."""
