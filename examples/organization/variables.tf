variable "region" {
  description = "Region of the hub: where the notifier runs and every member account sends to."
  type        = string
  default     = "ap-northeast-1"
}

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/services/...). Set this, or slack_bot_token and slack_channel_id."
  type        = string
  default     = null
  sensitive   = true
}

variable "slack_bot_token" {
  description = "Slack app mode, instead of the webhook: the app's bot token (xoxb-...); docs/slack-app.md shows how to create the app."
  type        = string
  default     = null
  sensitive   = true
}

variable "slack_channel_id" {
  description = "Slack app mode: the ID of the channel to post to (C0123ABCDEF), with the app invited to it."
  type        = string
  default     = null
}

variable "hub_account_role_arn" {
  description = "Role to assume in a separate hub account (a delegated administrator for CloudFormation StackSets). Null: the management account you run Terraform with is the hub."
  type        = string
  default     = null
}

variable "organizational_unit_ids" {
  description = "Root or OU IDs whose accounts get the spoke rules. Empty: the organization root (every member account)."
  type        = list(string)
  default     = []
}

variable "regions" {
  description = "Regions of every member account that get a spoke rule (us-east-1 always). Null: the regions enabled by default in a new account."
  type        = list(string)
  default     = null
}

variable "account_labels" {
  description = "Names shown after member account IDs in Slack, e.g. { \"111122223333\" = \"production\" }."
  type        = map(string)
  default     = {}
}

variable "create_organization_trail" {
  description = "Create an organization trail (management account hub only). Set to false when one already records every account, as Control Tower's does."
  type        = bool
  default     = true
}

variable "existing_organization_trail_arn" {
  description = "Where the module makes no trail (create_organization_trail = false, or a delegated administrator hub): the ARN of the organization trail that records every account, so that stopping or changing it is announced."
  type        = string
  default     = null
}

variable "alarm_email_addresses" {
  description = "Addresses told when an alert could not be delivered."
  type        = list(string)
  default     = []
}

variable "escalation_sns_topic_arn" {
  description = "An SNS topic your paging tool (PagerDuty, Opsgenie) or e-mail subscribes to: critical root activity pages on-call through it, even when Slack is down. Null: Slack only."
  type        = string
  default     = null
}
