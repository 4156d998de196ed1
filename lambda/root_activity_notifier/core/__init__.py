"""Core: what the notifier is given and what it means. Parse, classify, group into root sessions,
plan a session's batch, what pages and what a declared window covers. Pure, no I/O; imports only
shared/ below it."""
