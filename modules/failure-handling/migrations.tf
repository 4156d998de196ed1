# Where resources moved between releases, kept so that an upgrade moves them in the state instead of
# destroying and recreating them. Never delete one: a user may upgrade from any earlier release.

# The dead-letter queue moved into modules/queue.
moved {
  from = aws_sqs_queue.dead_letter
  to   = module.dead_letter_queue.aws_sqs_queue.this
}
