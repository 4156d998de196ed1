variable "name" {
  description = "Name of the queue."
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
  description = "EventBridge rules whose targets may send to the queue (aws:SourceArn); nothing else may."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key ARN that encrypts the queue; null for SSE-SQS."
  type        = string
  default     = null
}

variable "message_retention_seconds" {
  description = "Seconds a message is kept; null for SQS's default (4 days)."
  type        = number
  default     = null
}

variable "visibility_timeout_seconds" {
  description = "Seconds a received message stays hidden; null for SQS's default (30)."
  type        = number
  default     = null
}

variable "dead_letter_queue_arn" {
  description = "Queue that takes a message after max_receive_count receives; null for none."
  type        = string
  default     = null
}

variable "max_receive_count" {
  description = "Receives before a message moves to dead_letter_queue_arn."
  type        = number
  default     = null
}

variable "tags" {
  description = "Tags added to the queue."
  type        = map(string)
  default     = {}
}
