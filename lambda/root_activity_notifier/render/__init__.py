"""Render: Slack Block Kit messages, their words in each language, and Slack's text limits. Pure
functions over core's records and plans."""
