"""Project progress: milestones (planned vs actual, weights, late flags), daily site logs, and
the content of customer digests, the weekly report and the customer's project page."""
