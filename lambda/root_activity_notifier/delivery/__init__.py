"""Deliver: the batch pipeline, pacing, and a root session remembered across batches, as a webhook's
digests or a Slack app's live thread."""
