# modules/queue on its own: who may send, plain HTTP refused, encryption, retention and redrive.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "notifier-read-only"
  partition       = "aws"
  region          = "ap-northeast-1"
  account_id      = "123456789012"
  event_rule_arns = ["arn:aws:events:ap-northeast-1:123456789012:rule/notifier-read-only"]
}

run "only_the_given_rules_may_send" {
  command = apply

  module {
    source = "./modules/queue"
  }

  assert {
    condition     = jsonencode(one([for statement in data.aws_iam_policy_document.this.statement : one(statement.condition).values if statement.sid == "EventBridgeFromTheseRulesOnly"])) == jsonencode(var.event_rule_arns)
    error_message = "Only the given rules may send to the queue."
  }
  assert {
    condition     = one(one([for statement in data.aws_iam_policy_document.this.statement : statement.principals if statement.sid == "EventBridgeFromTheseRulesOnly"])).identifiers == toset(["events.amazonaws.com"])
    error_message = "Only EventBridge may send."
  }
  assert {
    condition     = alltrue([for statement in data.aws_iam_policy_document.this.statement : jsonencode(statement.resources) == jsonencode(["arn:aws:sqs:ap-northeast-1:123456789012:notifier-read-only"])])
    error_message = "Every statement of the queue's policy must name the queue itself."
  }
  assert {
    condition     = one([for statement in data.aws_iam_policy_document.this.statement : statement.effect if statement.sid == "DenyInsecureTransport"]) == "Deny"
    error_message = "Plain HTTP to the queue must be denied."
  }
  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.this.kms_master_key_id == null
    error_message = "Encrypted by SQS unless a key is given."
  }
}

run "redrive_key_and_timeouts" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    kms_key_arn                = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    visibility_timeout_seconds = 365
    message_retention_seconds  = 1209600
    dead_letter_queue_arn      = "arn:aws:sqs:ap-northeast-1:123456789012:notifier-dlq"
    max_receive_count          = 5
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy) == { deadLetterTargetArn = "arn:aws:sqs:ap-northeast-1:123456789012:notifier-dlq", maxReceiveCount = 5 }
    error_message = "After max_receive_count receives a message must move to the dead-letter queue."
  }
  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.this.visibility_timeout_seconds == 365 && aws_sqs_queue.this.message_retention_seconds == 1209600
    error_message = "Key, visibility timeout and retention must reach the queue."
  }
}
