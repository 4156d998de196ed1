output "lambda_function_name" {
  description = "Name of the notifier function."
  value       = aws_lambda_function.notifier.function_name
}

output "lambda_function_arn" {
  description = "ARN of the notifier function."
  value       = aws_lambda_function.notifier.arn
}

output "lambda_role_arn" {
  description = "ARN of the notifier function's IAM role."
  value       = aws_iam_role.notifier.arn
}

output "lambda_log_group_name" {
  description = "CloudWatch log group of the notifier function (one JSON line per event)."
  value       = aws_cloudwatch_log_group.notifier.name
}

output "event_rule_arns" {
  description = "ARNs of the rules on the home bus, by delivery path: sign-ins-and-changes, and read-only when read-only calls have a queue of their own."
  value       = { for path, rule in aws_cloudwatch_event_rule.root_activity : path => rule.arn }
}

output "queue_arns" {
  description = "ARNs of the delivery queues the function reads, by delivery path."
  value       = { for path, queue in module.queue : path => queue.arn }
}

output "queue_urls" {
  description = "URLs of the delivery queues, by delivery path."
  value       = { for path, queue in module.queue : path => queue.url }
}

output "event_pattern" {
  description = "Every root activity the notifier announces (JSON): the pattern of the rules that forward it from other regions."
  value       = local.event_pattern
}

output "event_rule_state" {
  description = "State of the rules: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS when read-only calls are included, else ENABLED."
  value       = local.event_rule_state
}

output "cloudtrail_arn" {
  description = "ARN of the trail the module created (null when create_trail is false)."
  value       = try(aws_cloudtrail.this[0].arn, null)
}

output "cloudtrail_bucket_name" {
  description = "Name of the trail's S3 bucket (null when create_trail is false)."
  value       = try(aws_s3_bucket.trail[0].id, null)
}

output "dead_letter_queue_arn" {
  description = "ARN of the SQS queue that keeps events that never reached Slack."
  value       = module.failure_handling.dead_letter_queue_arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = module.failure_handling.dead_letter_queue_url
}

output "slack_webhook_ssm_parameter_name" {
  description = "Name of the SSM parameter the function reads the webhook URL from."
  value       = local.webhook_parameter_name
}

output "slack_bot_token_ssm_parameter_name" {
  description = "Slack app mode: name of the SSM parameter the function reads the bot token from (null with a webhook)."
  value       = local.bot_token_parameter_name
}

output "alarm_sns_topic_arn" {
  description = "SNS topic that receives the failure alarms (null when create_alarms is false)."
  value       = module.failure_handling.alarm_sns_topic_arn
}

output "home_event_bus_arn" {
  description = "ARN of the bus the notifier's rules listen on: the default bus of its region, or with scope \"organization\" the hub bus every account sends to."
  value       = local.home_event_bus_arn
}

output "forwarder_role_arn" {
  description = "Role the forwarders in other regions use to put events on the home bus."
  value       = local.forwarder_role_arn
}

output "forwarder_settings" {
  description = "Everything modules/region-forwarder needs, alarm recipients included: pass it as that module's `home`."
  value       = merge(local.forwarder_settings, { forwarded_regions = local.forwarded_regions })
}

output "us_east_1_forwarder_event_rule_arn" {
  description = "ARN of the rule that forwards root activity recorded in us-east-1 (console sign-ins, IAM) to this region (null when the notifier lives in us-east-1)."
  value       = try(module.us_east_1_forwarder[0].event_rule_arn, null)
}

output "us_east_1_alarm_sns_topic_arn" {
  description = "SNS topic of the us-east-1 forwarder's alarms (null without that forwarder or without alarms). In scope \"organization\", members' calls that cut their own path to the hub also come here."
  value       = try(module.us_east_1_forwarder[0].alarm_sns_topic_arn, null)
}

output "stack_set_name" {
  description = "Name of the StackSet that puts a spoke rule in every member account and region (null unless scope is \"organization\")."
  value       = try(aws_cloudformation_stack_set.spokes[0].name, null)
}

output "spoke_template_body" {
  description = "The CloudFormation template each member account and region gets (JSON; null unless scope is \"organization\"): a rule with the notifier's pattern and state, targeting the hub bus, and the role it uses."
  value       = local.organization ? jsonencode(local.spoke_template) : null
}

output "health_check_input" {
  description = "What the health check checks, as the schedule gives it to the function: give it to doctor (terraform output -json health_check_input > checks.json; python3 -m root_activity_notifier doctor --checks checks.json)."
  value       = local.health_check_event
}

output "slack_session_table_name" {
  description = "Name of the DynamoDB table that remembers each root session (its thread or digests, exact totals) and paces Slack for every invocation."
  value       = aws_dynamodb_table.sessions.name
}

output "slack_session_table_arn" {
  description = "ARN of the DynamoDB table that remembers each root session (its thread or digests, exact totals) and paces Slack for every invocation."
  value       = aws_dynamodb_table.sessions.arn
}

output "slack_interactivity_url" {
  description = "With slack_interactivity: the interactivity endpoint's URL, for the Slack app's manifest (settings.interactivity.request_url). Null otherwise."
  value       = try(aws_lambda_function_url.interactions[0].function_url, null)
}
