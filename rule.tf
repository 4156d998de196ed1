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
  event_pattern = jsonencode(local.event_patterns[var.event_rule_mode])
  # A rule in the plain ENABLED state never receives read-only management events.
  event_rule_state = var.event_rule_include_read_only_events ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" : "ENABLED"
}

resource "aws_cloudwatch_event_rule" "root_activity" {
  name          = var.name_prefix
  description   = "Root user activity (${var.event_rule_mode}) to the Slack notifier function"
  event_pattern = local.event_pattern
  state         = local.event_rule_state
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "notifier" {
  rule      = aws_cloudwatch_event_rule.root_activity.name
  target_id = "slack-notifier"
  arn       = aws_lambda_function.notifier.arn

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = module.failure_handling.dead_letter_queue_arn
  }
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowEventBridgeInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.notifier.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.root_activity.arn
}
