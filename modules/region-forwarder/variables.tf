variable "home" {
  description = "The home notifier to forward to: pass the root module's `forwarder_settings` output."
  type = object({
    region                = string
    event_bus_arn         = string
    role_arn              = string
    event_pattern         = string
    event_rule_state      = string
    tamper_event_patterns = optional(map(string), {})
    # Calls that cut the alert path: straight to this region's alarm topic.
    create_tamper_path        = optional(bool, false)
    tamper_path_event_pattern = optional(string)
    # Organization scope, us-east-1: members' own tamper-path rules publish to this region's alarm topic.
    tamper_path_member_publishers = optional(object({
      role_arn_pattern = string
      organization_id  = string
      account_ids      = list(string)
    }))
    name_prefix           = string
    create_alarms         = optional(bool, true)
    alarm_email_addresses = optional(list(string), [])
    alarm_sns_topic_arns  = optional(map(string), {})
    forwarded_regions     = optional(list(string), [])
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/.+$", var.home.event_bus_arn))
    error_message = "home.event_bus_arn must be an EventBridge event bus ARN; got \"${var.home.event_bus_arn}\". Pass module.<notifier>.forwarder_settings."
  }

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.home.role_arn))
    error_message = "home.role_arn must be an IAM role ARN; got \"${coalesce(var.home.role_arn, "null")}\". The notifier creates one unless create_forwarder_role is false; then set forwarder_role_arn."
  }
}


variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "event_target_maximum_retry_attempts" {
  description = "Times EventBridge retries delivering an event to the rule's target (the delivery queue; for a forwarder, the home bus) before the event goes to the dead-letter queue."
  type        = number
  default     = 185

  validation {
    condition     = var.event_target_maximum_retry_attempts >= 0 && var.event_target_maximum_retry_attempts <= 185
    error_message = "event_target_maximum_retry_attempts must be from 0 to 185; got ${var.event_target_maximum_retry_attempts}."
  }
}

variable "event_target_maximum_event_age" {
  description = "Seconds EventBridge keeps retrying an event before it goes to the dead-letter queue."
  type        = number
  default     = 86400

  validation {
    condition     = var.event_target_maximum_event_age >= 60 && var.event_target_maximum_event_age <= 86400
    error_message = "event_target_maximum_event_age must be from 60 to 86400 seconds; got ${var.event_target_maximum_event_age}."
  }
}

variable "alarm_sns_topic_kms_key_arn" {
  description = "Customer managed KMS key ARN for the alarm topic the module creates. CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, so null leaves the topic unencrypted."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.alarm_sns_topic_kms_key_arn))
    error_message = "alarm_sns_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.alarm_sns_topic_kms_key_arn, "null")}\"."
  }
}

variable "queue_kms_key_arn" {
  description = "KMS key ARN that encrypts the module's SQS queues (delivery and dead-letter). Null for SQS-managed encryption (SSE-SQS). A customer managed key must let events.amazonaws.com use it."
  type        = string
  default     = null

  validation {
    condition     = var.queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.queue_kms_key_arn))
    error_message = "queue_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.queue_kms_key_arn, "null")}\"."
  }
}
