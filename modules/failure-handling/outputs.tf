output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.dead_letter_queue.arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.dead_letter_queue.url
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue."
  value       = module.dead_letter_queue.name
}

output "alarm_sns_topic_arn" {
  description = "SNS topic that receives the alarms (null when create_alarms is false)."
  value       = local.create_alarms ? local.alarm_topic_arn : null
}

output "alarm_names" {
  description = "Names of the failure alarms."
  value       = [for alarm in aws_cloudwatch_metric_alarm.failure : alarm.alarm_name]
}

output "direct_alarm_rule_arn" {
  description = "ARN of the rule that sends calls cutting the alert path straight to the alarm topic (null without one); built, as the topic's policy names it."
  value       = local.direct_alarm ? local.direct_alarm_rule_arn : null
}

output "direct_alarm_input" {
  description = "The input transformer of NAME-tamper-path (paths and template), for a rule elsewhere that sends the same sentence to this topic."
  value       = local.direct_alarm_input
}
