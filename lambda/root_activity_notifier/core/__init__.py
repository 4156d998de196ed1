"""Core: what the notifier is given and what it means. Parse, classify, group into root sessions,
plan a session's batch, outcomes and time. Pure, no I/O; imports nothing above it."""
