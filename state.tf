# Each root session across batches, queues and concurrent invocations (both modes): its thread or
# digests, exact running totals and the event IDs already counted; the claims that make each message
# post once; one pace per Slack destination. Everything in it expires (TTL); the function posts as it
# would without it when it cannot read or write it. The name keeps "slack-" from 0.1's Slack app mode
# table, so that upgrading replaces nothing.
resource "aws_dynamodb_table" "sessions" {
  #checkov:skip=CKV_AWS_119:A customer managed key is optional (slack_session_table_kms_key_arn); DynamoDB encrypts every table at rest with an AWS owned key otherwise.
  name         = "${var.name_prefix}-slack-sessions"
  billing_mode = "PAY_PER_REQUEST"
  # Provider 6.x warns that hash_key is deprecated for a key_schema block, which 5.x does not know:
  # hash_key works in both.
  hash_key = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled     = var.slack_session_table_kms_key_arn != null
    kms_key_arn = var.slack_session_table_kms_key_arn
  }

  point_in_time_recovery {
    enabled = true
  }

  tags = var.tags
}

locals {
  slack_session_environment = merge(
    {
      SLACK_SESSION_TABLE        = aws_dynamodb_table.sessions.name
      SLACK_SESSION_IDLE_MINUTES = tostring(var.slack_session_idle_minutes)
      # What a session holds (a webhook's digest) or owes (a parent edit) comes back to the function
      # as a delayed message on its own queue: nothing polls.
      NOTIFIER_FOLLOW_UP_QUEUE_URL = module.queue["sign-ins-and-changes"].url
    },
    local.slack_app_mode ? {} : { NOTIFIER_DIGEST_MINUTES = tostring(var.slack_webhook_digest_minutes) },
  )
}
