"""Change requests (变更): approval chains from configured rules, decisions, withdrawal, and the
effect of an approved change on the schedule and the contract."""
