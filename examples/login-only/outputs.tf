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

output "health_check_input" {
  description = "What the notifier's health check checks: for doctor (terraform output -json health_check_input > checks.json)."
  value       = module.root_activity_notifier.health_check_input
}
