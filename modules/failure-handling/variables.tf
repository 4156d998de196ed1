################################################################################
# Where and what (set by the calling module)
################################################################################

variable "name" {
  description = "Prefix of the queue, topic and alarm names: NAME-dlq, NAME-alarms, NAME-<alarm>."
  type        = string
}

variable "partition" {
  description = "Partition of the queue's ARN, e.g. \"aws\"."
  type        = string
}

variable "region" {
  description = "Region of the queue (the provider's)."
  type        = string
}

variable "account_id" {
  description = "Account of the queue (the provider's)."
  type        = string
}

variable "event_rule_arns" {
  description = "EventBridge rules whose targets may send undeliverable events to the dead-letter queue (aws:SourceArn)."
  type        = list(string)
}

variable "dead_letter_queue_alarm_description" {
  description = "What the dead-letter queue's alarm tells the reader: what is waiting there and how to replay it."
  type        = string
}

variable "alarms" {
  description = "Further alarms, by name suffix, each firing when its metric is above 0: description, namespace, metric_name, dimensions, statistic, period."
  type = map(object({
    description = string
    namespace   = string
    metric_name = string
    dimensions  = map(string)
    statistic   = string
    period      = number
  }))
  default = {}
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

################################################################################
# What users set on the root module or modules/region-forwarder, validated there
################################################################################

variable "dead_letter_queue_kms_key_arn" {
  description = "KMS key ARN that encrypts the dead-letter queue; null for SSE-SQS."
  type        = string
  default     = null
}

variable "alarm_notification" {
  description = "Who hears the alarms: create_alarms; sns_topic_arn, an existing topic in this region (null to create one); sns_topic_kms_key_arn for the topic created; email_addresses subscribed to it."
  type = object({
    create_alarms         = bool
    sns_topic_arn         = optional(string)
    sns_topic_kms_key_arn = optional(string)
    email_addresses       = optional(list(string), [])
  })
}

variable "create_direct_alarm" {
  description = "Whether to create NAME-tamper-path (direct_alarm_event_pattern): known at plan, unlike the pattern, which names resources made in the same apply."
  type        = bool
  default     = false
}

variable "direct_alarm_event_pattern" {
  description = "Event pattern of calls that cut the notifier's own alert path (its function, queues, mappings, buses, roles): a rule on this region's default bus, NAME-tamper-path, sends each straight to the alarm topic as a readable text, by a path that does not use them. Null for none."
  type        = string
  default     = null
}

variable "direct_alarm_member_publishers" {
  description = "Organization scope, for the topic created here: members' tamper-path rules may publish to it through their role (role_arn_pattern, arn:PARTITION:iam::*:role/PATH/NAME) while in organization_id, and after leaving it for account_ids (the organization's accounts when applied). Null for none."
  type = object({
    role_arn_pattern = string
    organization_id  = string
    account_ids      = list(string)
  })
  default = null
}
