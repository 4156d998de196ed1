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
