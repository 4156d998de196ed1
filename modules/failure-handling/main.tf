locals {
  dead_letter_queue_name = "${var.name}-dlq"
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

module "dead_letter_queue" {
  source = "../queue"

  name                      = local.dead_letter_queue_name
  partition                 = var.partition
  region                    = var.region
  account_id                = var.account_id
  event_rule_arns           = var.event_rule_arns
  kms_key_arn               = var.dead_letter_queue_kms_key_arn
  message_retention_seconds = local.sqs_maximum_retention_seconds
  tags                      = var.tags
}

moved {
  from = aws_sqs_queue.dead_letter
  to   = module.dead_letter_queue.aws_sqs_queue.this
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
