"""Check: can the notifier still see? The checks, the deployer's permissions, and the message."""
