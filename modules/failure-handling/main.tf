locals {
  dead_letter_queue_name = "${var.name}-dlq"
  # Built, not read from the queue: the queue's own policy (inline, one resource less to wait for)
  # names it.
  dead_letter_queue_arn = "arn:${var.partition}:sqs:${var.region}:${var.account_id}:${local.dead_letter_queue_name}"

  # SQS's longest retention: a lost alert waits as long as it can for someone to replay it.
  sqs_maximum_retention_seconds = 1209600

  create_alarms      = var.alarm_notification.create_alarms
  create_alarm_topic = local.create_alarms && var.alarm_notification.sns_topic_arn == null
  alarm_topic_arn    = local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : var.alarm_notification.sns_topic_arn

  dead_letter_queue_alarm = {
    dead-letter-queue = {
      description = var.dead_letter_queue_alarm_description
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = local.dead_letter_queue_name }
      statistic   = "Maximum"
      period      = 300
    }
  }
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = local.dead_letter_queue_name
  message_retention_seconds = local.sqs_maximum_retention_seconds
  sqs_managed_sse_enabled   = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id         = var.dead_letter_queue_kms_key_arn
  policy                    = data.aws_iam_policy_document.dead_letter.json
  tags                      = var.tags
}

data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "EventBridgeFromTheseRulesOnly"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_queue_arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = var.event_rule_arns
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

  #checkov:skip=CKV_AWS_26:CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key; pass alarm_sns_topic_kms_key_arn (a customer managed key) to encrypt it.
  name              = "${var.name}-alarms"
  kms_master_key_id = var.alarm_notification.sns_topic_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alarm_email" {
  for_each = local.create_alarm_topic ? toset(var.alarm_notification.email_addresses) : toset([])

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "failure" {
  for_each = local.create_alarms ? merge(var.alarms, local.dead_letter_queue_alarm) : {}

  alarm_name          = "${var.name}-${each.key}"
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
