locals {
  cloudtrail_detail_types = [
    "AWS API Call via CloudTrail",
    "AWS Console Sign In via CloudTrail",
    "AWS Service Event via CloudTrail",
    "AWS Console Action via CloudTrail",
  ]
  root_identity = { userIdentity = { type = ["Root"] } }
  # Only AWS raises an alert. EventBridge reserves the source prefix "aws." for AWS services
  # (PutEvents refuses it) and a rule that forwards an event keeps its source, so a pattern that
  # demands it matches what CloudTrail delivered and never what a principal with events:PutEvents
  # made up. Every pattern of the module, its forwarders and spokes takes this condition.
  from_aws = { source = [{ prefix = "aws." }] }

  event_patterns = {
    all = merge(local.from_aws, {
      "detail-type" = local.cloudtrail_detail_types
      detail = merge(
        local.root_identity,
        length(var.event_rule_excluded_event_names) > 0 ? { eventName = [{ "anything-but" = var.event_rule_excluded_event_names }] } : {},
      )
    })
    login-only = merge(local.from_aws, {
      "detail-type" = ["AWS Console Sign In via CloudTrail"]
      detail        = merge(local.root_identity, { eventName = ["ConsoleLogin"] })
    })
  }
  # Centralized root access is taken with sts:AssumeRoot in the management or a delegated
  # administrator account, by a role or user: not root activity, but announced with it.
  assume_root_pattern = merge(local.from_aws, {
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail        = { eventSource = ["sts.amazonaws.com"], eventName = ["AssumeRoot"] }
  })
  includes_assume_root = local.organization && var.event_rule_include_assume_root

  # Everything the module announces: what the forwarders and the organization's spokes send here.
  event_pattern = (
    local.includes_assume_root
    ? jsonencode({ "$or" = [local.event_patterns[var.event_rule_mode], local.assume_root_pattern] })
    : jsonencode(local.event_patterns[var.event_rule_mode])
  )
  # EventBridge's default quota for the length of an event pattern.
  event_pattern_quota = 2048
  # A rule in the plain ENABLED state never receives read-only management events.
  event_rule_state = var.event_rule_include_read_only_events ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" : "ENABLED"

  # The same activity split by how soon it must reach Slack (delivery.tf): read-only calls (readOnly
  # is the boolean true), and everything else, so that no event falls between the two: sign-ins carry
  # no readOnly at all, and a false, a null or a string ("false", "true") takes the fast path too.
  split_read_only = var.event_rule_mode == "all" && var.event_rule_include_read_only_events
  read_only_patterns = {
    sign-ins-and-changes = merge(local.event_patterns.all, {
      detail = merge(local.event_patterns.all.detail, {
        "$or" = [{ readOnly = [false, null] }, { readOnly = [{ exists = false }] }, { readOnly = [{ prefix = "" }] }]
      })
    })
    read-only = merge(local.event_patterns.all, {
      detail = merge(local.event_patterns.all.detail, { readOnly = [true] })
    })
  }
  home_event_patterns = merge(
    local.split_read_only ? { for path, pattern in local.read_only_patterns : path => jsonencode(pattern) } : { sign-ins-and-changes = jsonencode(local.event_patterns[var.event_rule_mode]) },
    # Taking root access is urgent, whatever CloudTrail's readOnly says of it.
    local.includes_assume_root ? { assume-root = jsonencode(local.assume_root_pattern) } : {},
  )
  # The queue each rule feeds (delivery.tf).
  home_event_rule_paths = { for rule in keys(local.home_event_patterns) : rule => rule == "read-only" ? "read-only" : "sign-ins-and-changes" }
}

resource "aws_cloudwatch_event_rule" "root_activity" {
  for_each = local.home_event_patterns

  name           = each.key == "sign-ins-and-changes" ? var.name_prefix : "${var.name_prefix}-${each.key}"
  description    = "Root user activity (${var.event_rule_mode}, ${each.key}) to the Slack notifier's queue"
  event_bus_name = local.home_event_bus_name
  event_pattern  = each.value
  state          = local.event_rule_state
  tags           = var.tags

  lifecycle {
    precondition {
      condition     = max(length(each.value), length(local.event_pattern)) <= local.event_pattern_quota
      error_message = "The rules' event pattern would be ${max(length(each.value), length(local.event_pattern))} characters, over EventBridge's default quota of ${local.event_pattern_quota}; event_rule_excluded_event_names takes ${length(jsonencode(var.event_rule_excluded_event_names))} of them. Exclude fewer event names."
    }
  }
}

resource "aws_cloudwatch_event_target" "queue" {
  for_each = local.home_event_patterns

  rule           = aws_cloudwatch_event_rule.root_activity[each.key].name
  event_bus_name = local.home_event_bus_name
  target_id      = "delivery-queue"
  arn            = module.queue[local.home_event_rule_paths[each.key]].arn

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = module.failure_handling.dead_letter_queue_arn
  }
}
