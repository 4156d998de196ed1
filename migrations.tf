# Where resources moved between releases, kept so that an upgrade moves them in the state instead of
# destroying and recreating them. Never delete one: a user may upgrade from any earlier release.

# The dead-letter queue, alarm topic and alarms moved into modules/failure-handling.
moved {
  from = aws_sqs_queue.dead_letter
  to   = module.failure_handling.aws_sqs_queue.dead_letter
}

moved {
  from = aws_sns_topic.alarms
  to   = module.failure_handling.aws_sns_topic.alarms
}

moved {
  from = aws_sns_topic_subscription.alarm_email
  to   = module.failure_handling.aws_sns_topic_subscription.alarm_email
}

moved {
  from = aws_cloudwatch_metric_alarm.failure
  to   = module.failure_handling.aws_cloudwatch_metric_alarm.failure
}

# One metric filter per log-line alarm, keyed by name.
moved {
  from = aws_cloudwatch_log_metric_filter.delivery_failures
  to   = aws_cloudwatch_log_metric_filter.notifier["delivery-failures"]
}

# The home rule became one per path (sign-ins-and-changes, and read-only when split).
moved {
  from = aws_cloudwatch_event_rule.root_activity
  to   = aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"]
}

# The session table, Slack app mode's only until calm under attack, is made in both modes.
moved {
  from = aws_dynamodb_table.slack_sessions[0]
  to   = aws_dynamodb_table.sessions
}
