locals {
  dead_letter_queue_name = "${var.name_prefix}-dlq"
  # Built, not read from the queue: the queue's own policy (inline, one resource less to wait for) names it.
  dead_letter_queue_arn = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.dead_letter_queue_name}"
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = local.dead_letter_queue_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.dead_letter_queue_kms_key_arn
  policy                    = data.aws_iam_policy_document.dead_letter.json
  tags                      = var.tags
}

data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "EventBridgeFromThisRuleOnly"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_queue_arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.root_activity.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [local.dead_letter_queue_arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  #checkov:skip=CKV_AWS_26:CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key; pass alarm_topic_kms_key_arn (a customer managed key) to encrypt it.
  name              = "${var.name_prefix}-alarms"
  kms_master_key_id = var.alarm_topic_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alarm_email" {
  for_each = local.create_alarm_topic ? toset(var.alarm_email_addresses) : toset([])

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  # Each alarm fires on the first sign that a root event may not have reached Slack.
  failure_alarms = {
    lambda-errors = {
      description = "The root activity notifier failed: a root event may not have reached Slack. Its log group says why; the event is retried and then kept in ${aws_sqs_queue.dead_letter.name}."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = aws_lambda_function.notifier.function_name }
      statistic   = "Sum"
      period      = 60
    }
    rule-failed-invocations = {
      description = "EventBridge could not invoke the root activity notifier; the events are retried, then kept in ${aws_sqs_queue.dead_letter.name}."
      namespace   = "AWS/Events"
      metric_name = "FailedInvocations"
      dimensions  = { RuleName = aws_cloudwatch_event_rule.root_activity.name }
      statistic   = "Sum"
      period      = 60
    }
    dead-letter-queue = {
      description = "Root events that never reached Slack are waiting in ${aws_sqs_queue.dead_letter.name}. Read them, then replay each with `root-activity-notifier send`."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = aws_sqs_queue.dead_letter.name }
      statistic   = "Maximum"
      period      = 300
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "failure" {
  for_each = var.create_alarms ? local.failure_alarms : {}

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  tags                = var.tags
}
