data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  # The home bus is in this account and partition: arn:PARTITION:events:REGION:ACCOUNT:event-bus/NAME
  home_bus_arn_parts     = split(":", var.home.event_bus_arn)
  dead_letter_queue_name = "${local.name}-dlq"
  # Built, not read from the queue: the queue's own policy (inline, one resource less to wait for) names it.
  dead_letter_queue_arn = "arn:${local.home_bus_arn_parts[1]}:sqs:${local.region}:${local.home_bus_arn_parts[4]}:${local.dead_letter_queue_name}"
  name                  = "${var.home.name_prefix}-forwarder"
  create_topic          = var.create_alarms && var.alarm_sns_topic_arn == null
  alarm_topic_arn       = local.create_topic ? aws_sns_topic.alarms[0].arn : var.alarm_sns_topic_arn
}

# Same pattern and state as the home rule: what would be announced there is forwarded from here.
resource "aws_cloudwatch_event_rule" "forward" {
  name          = local.name
  description   = "Root user activity recorded in ${local.region}, forwarded to the notifier in ${var.home.region}"
  event_pattern = var.home.event_pattern
  state         = var.home.event_rule_state
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = local.region != var.home.region
      error_message = "This forwarder is configured in ${local.region}, the notifier's home region: the home rule already sees events there, and forwarding would loop. Remove this forwarder (or pass it another region's provider)."
    }
  }
}

resource "aws_cloudwatch_event_target" "home_bus" {
  rule      = aws_cloudwatch_event_rule.forward.name
  target_id = "home-event-bus"
  arn       = var.home.event_bus_arn
  role_arn  = var.home.role_arn

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter.arn
  }
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = local.dead_letter_queue_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
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
      values   = [aws_cloudwatch_event_rule.forward.arn]
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
  count = local.create_topic ? 1 : 0

  #checkov:skip=CKV_AWS_26:CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key; pass alarm_topic_kms_key_arn (a customer managed key) to encrypt it.
  name              = "${local.name}-alarms"
  kms_master_key_id = var.alarm_topic_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alarm_email" {
  for_each = local.create_topic ? toset(var.alarm_email_addresses) : toset([])

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = each.value
}

locals {
  failure_alarms = {
    failed-invocations = {
      description = "EventBridge in ${local.region} could not forward root activity to the notifier in ${var.home.region}; the events are retried, then kept in ${aws_sqs_queue.dead_letter.name}."
      namespace   = "AWS/Events"
      metric_name = "FailedInvocations"
      dimensions  = { RuleName = aws_cloudwatch_event_rule.forward.name }
      statistic   = "Sum"
      period      = 60
    }
    dead-letter-queue = {
      description = "Root events recorded in ${local.region} never reached the notifier in ${var.home.region}; they wait in ${aws_sqs_queue.dead_letter.name}. Replay each with `root-activity-notifier send`."
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

  alarm_name          = "${local.name}-${each.key}"
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
