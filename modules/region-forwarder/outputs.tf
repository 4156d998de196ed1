output "event_rule_arn" {
  description = "ARN of the forwarding rule in this region."
  value       = aws_cloudwatch_event_rule.forward.arn
}

output "tamper_event_rule_arns" {
  description = "ARNs of the rules that forward changes to the notifier's own resources recorded in this region, by name."
  value       = { for name, rule in aws_cloudwatch_event_rule.tamper : name => rule.arn }
}

output "event_pattern" {
  description = "Event pattern of the forwarding rule (the home rule's)."
  value       = aws_cloudwatch_event_rule.forward.event_pattern
}

output "event_rule_state" {
  description = "State of the forwarding rule (the home rule's)."
  value       = aws_cloudwatch_event_rule.forward.state
}

output "dead_letter_queue_arn" {
  description = "ARN of this region's dead-letter queue for events that could not be forwarded."
  value       = module.failure_handling.dead_letter_queue_arn
}

output "alarm_sns_topic_arn" {
  description = "SNS topic of this region's alarms (null when the notifier's create_alarms is false)."
  value       = module.failure_handling.alarm_sns_topic_arn
}

output "health_checks" {
  description = "What the notifier's health check reads of this forwarder: its rules with their states, and its dead-letter queue."
  value = {
    rules = concat(
      [{ region = local.region, bus = "default", name = aws_cloudwatch_event_rule.forward.name, state = aws_cloudwatch_event_rule.forward.state }],
      [for rule in aws_cloudwatch_event_rule.tamper : { region = local.region, bus = "default", name = rule.name, state = rule.state }],
    )
    rule_arns         = concat([aws_cloudwatch_event_rule.forward.arn], [for rule in aws_cloudwatch_event_rule.tamper : rule.arn])
    dead_letter_queue = { region = local.region, name = module.failure_handling.dead_letter_queue_name }
  }
}

output "direct_alarm_rule_arn" {
  description = "ARN of the rule that sends calls cutting the notifier's alert path (IAM, here in us-east-1) straight to this region's alarm topic (null without one)."
  value       = module.failure_handling.direct_alarm_rule_arn
}
