# Slack app mode only: each root session's thread (its parent message and exact running totals) and
# the event IDs already counted, so that a session stays one live thread across batches, queues and
# concurrent invocations. Everything in it expires (TTL); the function posts unthreaded when it
# cannot read or write it.
resource "aws_dynamodb_table" "slack_sessions" {
  count = local.slack_app_mode ? 1 : 0

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
  slack_session_table_arn = try(aws_dynamodb_table.slack_sessions[0].arn, null)
  slack_session_environment = local.slack_app_mode ? {
    SLACK_SESSION_TABLE        = aws_dynamodb_table.slack_sessions[0].name
    SLACK_SESSION_IDLE_MINUTES = tostring(var.slack_session_idle_minutes)
  } : {}
}
