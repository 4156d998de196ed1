"""Configure: the settings from the environment, and the Slack secret from SSM."""
