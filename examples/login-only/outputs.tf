output "lambda_function_name" {
  description = "Name of the notifier function."
  value       = module.root_activity_notifier.lambda_function_name
}

output "event_pattern" {
  description = "The login-only event pattern."
  value       = module.root_activity_notifier.event_pattern
}

output "queue_urls" {
  description = "Where root sign-ins wait for the function."
  value       = module.root_activity_notifier.queue_urls
}
