variable "home" {
  description = "The home notifier to forward to: pass the root module's `forwarder_settings` output."
  type = object({
    region           = string
    event_bus_arn    = string
    role_arn         = string
    event_pattern    = string
    event_rule_state = string
    name_prefix      = string
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
  description = "Times EventBridge retries forwarding an event to the home bus before it goes to this region's dead-letter queue."
  type        = number
  default     = 185

  validation {
    condition     = var.event_target_maximum_retry_attempts >= 0 && var.event_target_maximum_retry_attempts <= 185
    error_message = "event_target_maximum_retry_attempts must be from 0 to 185; got ${var.event_target_maximum_retry_attempts}."
  }
}

variable "event_target_maximum_event_age" {
  description = "Seconds EventBridge keeps retrying before the event goes to this region's dead-letter queue."
  type        = number
  default     = 86400

  validation {
    condition     = var.event_target_maximum_event_age >= 60 && var.event_target_maximum_event_age <= 86400
    error_message = "event_target_maximum_event_age must be from 60 to 86400 seconds; got ${var.event_target_maximum_event_age}."
  }
}

variable "create_alarms" {
  description = "Create CloudWatch alarms on forwarding failures and dead-letter queue depth in this region."
  type        = bool
  default     = true
}

variable "alarm_sns_topic_arn" {
  description = "Existing SNS topic in this region for the alarms (CloudWatch alarms notify topics of their own region only). Null to create one."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME); got \"${coalesce(var.alarm_sns_topic_arn, "null")}\"."
  }
}

variable "alarm_topic_kms_key_arn" {
  description = "Customer managed KMS key ARN for the alarm topic the module creates. Null leaves the topic unencrypted (CloudWatch cannot publish to one encrypted with alias/aws/sns)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.alarm_topic_kms_key_arn))
    error_message = "alarm_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.alarm_topic_kms_key_arn, "null")}\"."
  }
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the alarm topic the module creates."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses must hold e-mail addresses; got ${jsonencode(var.alarm_email_addresses)}."
  }
}
