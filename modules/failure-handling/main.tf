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
  event_rule_arns           = concat(var.event_rule_arns, local.direct_alarm ? [local.direct_alarm_rule_arn] : [])
  kms_key_arn               = var.dead_letter_queue_kms_key_arn
  message_retention_seconds = local.sqs_maximum_retention_seconds
  tags                      = var.tags
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

# A second path for what cuts the first: a call that disables the function, its mappings or queues,
# a bus or a role the alerts travel through would also stop its own tamper alert. This rule sends
# it from the default bus straight to the alarm topic, as text a person reads in the e-mail.
locals {
  direct_alarm_rule_name = "${var.name}-tamper-path"
  direct_alarm_rule_arn  = "arn:${var.partition}:events:${var.region}:${var.account_id}:rule/${local.direct_alarm_rule_name}"
  direct_alarm           = local.create_alarms && var.create_direct_alarm
  # One sentence, wherever the rule runs (here, and in an organization's members: the output).
  direct_alarm_input = {
    paths = {
      event   = "$.detail.eventName"
      who     = "$.detail.userIdentity.arn"
      account = "$.detail.recipientAccountId"
      region  = "$.detail.awsRegion"
      time    = "$.detail.eventTime"
      ip      = "$.detail.sourceIPAddress"
      error   = "$.detail.errorCode"
    }
    template = "\"The root activity notifier is being changed: <event> by <who>, account <account> (<region>), at <time>, from <ip> (AWS's error code, empty when the call succeeded: <error>). This call changes a piece the notifier's own alerts travel through (its function, queues, event source mappings, buses, roles, or an account's membership of the organization), so this message goes around them, straight to the alarm topic: Slack may never hear of it. Run the notifier's doctor now, and restore it with terraform apply.\""
  }
}

resource "aws_cloudwatch_event_rule" "direct_alarm" {
  count = local.direct_alarm ? 1 : 0

  name           = local.direct_alarm_rule_name
  description    = "Changes that would cut the root activity notifier's own alert path, straight to its alarm topic"
  event_bus_name = "default" # where CloudTrail puts the calls, whatever bus the notifier listens on
  event_pattern  = var.direct_alarm_event_pattern
  state          = "ENABLED"
  tags           = var.tags
}

resource "aws_cloudwatch_event_target" "direct_alarm" {
  count = local.direct_alarm ? 1 : 0

  rule      = aws_cloudwatch_event_rule.direct_alarm[0].name
  target_id = "alarm-topic"
  arn       = local.alarm_topic_arn

  input_transformer {
    input_paths    = local.direct_alarm_input.paths
    input_template = local.direct_alarm_input.template
  }

  # EventBridge's longest: an e-mail that goes around everything else is worth every retry.
  retry_policy {
    maximum_retry_attempts       = 185
    maximum_event_age_in_seconds = 86400
  }

  dead_letter_config {
    arn = module.dead_letter_queue.arn
  }
}

# The topic's default policy (its account's principals), and EventBridge for that one rule only.
data "aws_iam_policy_document" "alarm_topic" {
  count = local.direct_alarm && local.create_alarm_topic ? 1 : 0

  statement {
    sid = "AccountOwner"
    actions = [
      "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
      "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
    ]
    resources = [aws_sns_topic.alarms[0].arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "AWS:SourceOwner"
      values   = [var.account_id]
    }
  }

  statement {
    sid       = "DirectAlarmRuleOnly"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.direct_alarm_rule_arn]
    }
  }

  # A member account's own tamper-path rule publishes through its own role (EventBridge reaches
  # another account's topic through a role of the rule's account): while the account is in the
  # organization, and after it leaves, for the accounts it had when this was applied.
  dynamic "statement" {
    for_each = var.direct_alarm_member_publishers == null ? {} : { for sid, condition in {
      MemberTamperPathsInOrganization = { variable = "aws:PrincipalOrgID", values = [var.direct_alarm_member_publishers.organization_id] }
      MemberTamperPathsAfterLeaving   = { variable = "aws:PrincipalAccount", values = var.direct_alarm_member_publishers.account_ids }
    } : sid => condition if length(condition.values) > 0 }
    content {
      sid       = statement.key
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.alarms[0].arn]
      principals {
        type        = "AWS"
        identifiers = ["*"]
      }
      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = [var.direct_alarm_member_publishers.role_arn_pattern]
      }
      condition {
        test     = "StringEquals"
        variable = statement.value.variable
        values   = statement.value.values
      }
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  count = local.direct_alarm && local.create_alarm_topic ? 1 : 0

  arn    = aws_sns_topic.alarms[0].arn
  policy = data.aws_iam_policy_document.alarm_topic[0].json
}
