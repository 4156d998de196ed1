"""Remember: the session table (each root session's place in Slack and running totals), and the
follow-ups the function sends itself."""
