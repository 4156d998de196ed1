"""Shared: the leaves every layer uses (the log line, the deadline, outcomes, the record, severity,
time zones). A module here imports nothing of the package but its neighbours here."""
