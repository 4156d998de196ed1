variable "region" {
  description = "Region to deploy in. Root console sign-ins are recorded only in us-east-1, so the rule must live there."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = var.region == "us-east-1"
    error_message = "Root console sign-ins are recorded only in us-east-1; a login-only rule elsewhere never fires. Got \"${var.region}\"."
  }
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/services/...)."
  type        = string
  sensitive   = true
}
