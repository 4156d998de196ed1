"""Talk to Slack: HTTP with retries, the Web API, and the destination both ways satisfy (an incoming
webhook, or a Slack app)."""
