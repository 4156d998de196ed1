output "lambda_function_name" {
  description = "Name of the notifier function."
  value       = module.root_activity_notifier.lambda_function_name
}

output "event_rule_arns" {
  description = "ARNs of the EventBridge rules, by delivery path."
  value       = module.root_activity_notifier.event_rule_arns
}

output "queue_urls" {
  description = "Where root activity waits for the function, by delivery path."
  value       = module.root_activity_notifier.queue_urls
}

output "cloudtrail_arn" {
  description = "ARN of the trail."
  value       = module.root_activity_notifier.cloudtrail_arn
}

output "dead_letter_queue_url" {
  description = "Where events that never reached Slack wait."
  value       = module.root_activity_notifier.dead_letter_queue_url
}

output "alarm_sns_topic_arn" {
  description = "Topic of the failure alarms."
  value       = module.root_activity_notifier.alarm_sns_topic_arn
}

output "health_check_input" {
  description = "What the notifier's health check checks: for doctor (terraform output -json health_check_input > checks.json)."
  value       = module.root_activity_notifier.health_check_input
}

output "slack_session_table_name" {
  description = "The table that remembers each root session (a Slack app's thread, a webhook's digests) and paces Slack."
  value       = module.root_activity_notifier.slack_session_table_name
}

output "slack_interactivity_url" {
  description = "With slack_interactivity (Slack app mode): the URL for the app manifest's settings.interactivity.request_url."
  value       = module.root_activity_notifier.slack_interactivity_url
}
