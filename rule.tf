locals {
  cloudtrail_detail_types = [
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Service Event via CloudTrail",
    "AWS Console Action via CloudTrail",
  ]
  root_identity = { userIdentity = { type = ["Root"] } }

  event_patterns = {
    all = {
      "detail-type" = local.cloudtrail_detail_types
      detail = merge(
        local.root_identity,
        length(var.event_rule_excluded_event_names) > 0 ? { eventName = [{ "anything-but" = var.event_rule_excluded_event_names }] } : {},
      )
    }
    login-only = {
      source        = ["aws.signin"]
      "detail-type" = ["AWS Console Sign In via CloudTrail"]
      detail        = merge(local.root_identity, { eventName = ["ConsoleLogin"] })
    }
  }
  # Every root activity the module announces: what the forwarders send here.
  event_pattern = jsonencode(local.event_patterns[var.event_rule_mode])
  # A rule in the plain ENABLED state never receives read-only management events.
  event_rule_state = var.event_rule_include_read_only_events ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" : "ENABLED"

  # The same activity split by how soon it must reach Slack (delivery.tf): read-only calls, and
  # everything else (sign-ins carry no readOnly field at all).
  split_read_only = var.event_rule_mode == "all" && var.event_rule_include_read_only_events
  read_only_patterns = {
    sign-ins-and-changes = merge(local.event_patterns.all, {
      detail = merge(local.event_patterns.all.detail, { "$or" = [{ readOnly = [false] }, { readOnly = [{ exists = false }] }] })
    })
    read-only = merge(local.event_patterns.all, {
      detail = merge(local.event_patterns.all.detail, { readOnly = [true] })
    })
  }
  home_event_patterns = local.split_read_only ? { for path, pattern in local.read_only_patterns : path => jsonencode(pattern) } : { sign-ins-and-changes = local.event_pattern }
}

resource "aws_cloudwatch_event_rule" "root_activity" {
  for_each = local.home_event_patterns

  name          = each.key == "sign-ins-and-changes" ? var.name_prefix : "${var.name_prefix}-${each.key}"
  description   = "Root user activity (${var.event_rule_mode}, ${each.key}) to the Slack notifier's queue"
  event_pattern = each.value
  state         = local.event_rule_state
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "queue" {
  for_each = local.home_event_patterns

  rule      = aws_cloudwatch_event_rule.root_activity[each.key].name
  target_id = "delivery-queue"
  arn       = module.queue[each.key].arn

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = module.failure_handling.dead_letter_queue_arn
  }
}

moved {
  from = aws_cloudwatch_event_rule.root_activity
  to   = aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"]
}
