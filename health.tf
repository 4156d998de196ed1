# The health check: a schedule invokes the function with what to check (the same input doctor
# takes, output health_check_input); it posts only when the notifier cannot see. Once more at apply,
# so that a misconfiguration that blinds the notifier (a misspelled webhook parameter) fails the
# apply with the check's own message instead of losing the first alert.
locals {
  health_checks = merge({
    region   = local.region
    account  = local.account_id
    function = aws_lambda_function.notifier.function_name
    trail    = var.create_trail ? aws_cloudtrail.this[0].arn : var.trail_arn_to_watch
    rules = concat(
      [for rule in aws_cloudwatch_event_rule.root_activity : { region = local.region, bus = local.home_event_bus_name, name = rule.name, state = rule.state }],
      [for rule in aws_cloudwatch_event_rule.tamper : { region = local.region, bus = local.home_event_bus_name, name = rule.name, state = rule.state }],
      [for arn in compact([module.failure_handling.direct_alarm_rule_arn]) : { region = local.region, bus = "default", name = "${var.name_prefix}-tamper-path", state = "ENABLED" }],
      flatten([for forwarder in concat(module.us_east_1_forwarder, module.home_region_forwarder) : forwarder.health_checks.rules]),
    )
    mappings = [for mapping in aws_lambda_event_source_mapping.queue : mapping.uuid]
    dead_letter_queues = concat(
      [{ region = local.region, name = module.failure_handling.dead_letter_queue_name }],
      [for forwarder in concat(module.us_east_1_forwarder, module.home_region_forwarder) : forwarder.health_checks.dead_letter_queue],
    )
    # Forwarders are found by these names in every enabled region, however they were added.
    forwarders = {
      rule         = "${var.name_prefix}-forwarder"
      rule_state   = local.event_rule_state
      tamper_rules = [for rule in local.tamper_event_rules : "${var.name_prefix}-forwarder-${rule}"]
      # Checked where it is found (not every forwarder has one: the home region's is the notifier's own).
      optional_rules    = var.create_tamper_alerts && var.create_alarms ? ["${var.name_prefix}-forwarder-tamper-path"] : []
      dead_letter_queue = "${var.name_prefix}-forwarder-dlq"
    }
    webhook_parameter = local.webhook_parameter_name
    # Parameters the module made from slack_webhook_url or slack_bot_token: an apply remakes them.
    parameters_created = concat(aws_ssm_parameter.slack_webhook[*].name, aws_ssm_parameter.slack_bot_token[*].name)
    stack_set          = local.organization ? { name = aws_cloudformation_stack_set.spokes[0].name, call_as = var.stack_set_call_as, regions = var.stack_set_regions } : null
    # Each member's spoke rules, read through the role its stack gives the hub ({account}: the member's).
    spokes = local.organization ? {
      role_arn = "arn:${local.partition}:iam::{account}:role${var.iam_role_path}${local.spoke_health_check_role_name}"
      rules = concat(
        [for rule in values(local.spoke_rules) : { name = rule.name, state = rule.state, region = null }],
        [for rule in local.spoke_tamper_path ? [local.spoke_tamper_path_name] : [] : { name = rule, state = "ENABLED", region = local.spoke_role_region }],
      )
    } : null
    },
    # Only in Slack app mode, so that a webhook deployment's check (and its schedule) stays as it was.
    # The channels too: the check asks Slack whether the app is in each.
    { for setting, value in {
      bot_token_parameter = local.bot_token_parameter_name
      slack_channels      = distinct(concat(compact([var.slack_channel_id]), values(var.slack_channel_routes)))
    } : setting => value if local.slack_app_mode },
    # Only with paging, likewise: the check asks that someone is subscribed to the topic.
    var.escalation_sns_topic_arn == null ? {} : { escalation_topic = var.escalation_sns_topic_arn },
  )
  health_check_event = { root_activity_notifier = "health_check", checks = local.health_checks }
}

# The function may read what it checks, and nothing else.
data "aws_iam_policy_document" "health_check" {
  dynamic "statement" {
    for_each = local.health_checks.trail == null ? [] : [local.health_checks.trail]
    content {
      sid       = "ReadTrailStatus"
      actions   = ["cloudtrail:GetTrailStatus"]
      resources = [statement.value]
    }
  }

  # Forwarders, the module's and any added beside it, are found in every enabled region by their
  # rules' names: neither call can be narrowed to a resource.
  statement {
    sid       = "FindForwarders"
    actions   = ["ec2:DescribeRegions", "events:ListRules"]
    resources = ["*"]
  }

  statement {
    sid     = "ReadOwnRules"
    actions = ["events:DescribeRule"]
    resources = concat(
      [for rule in aws_cloudwatch_event_rule.root_activity : rule.arn],
      [for rule in aws_cloudwatch_event_rule.tamper : rule.arn],
      compact([module.failure_handling.direct_alarm_rule_arn]),
      ["arn:${local.partition}:events:*:${local.account_id}:rule/${var.name_prefix}-forwarder*"],
    )
  }

  statement {
    sid       = "ReadOwnMappingsAndConcurrency"
    actions   = ["lambda:GetEventSourceMapping", "lambda:GetFunctionConcurrency"]
    resources = concat([aws_lambda_function.notifier.arn], [for mapping in aws_lambda_event_source_mapping.queue : mapping.arn])
  }

  statement {
    sid     = "ReadOwnDeadLetterQueues"
    actions = ["sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
    resources = [
      module.failure_handling.dead_letter_queue_arn,
      "arn:${local.partition}:sqs:*:${local.account_id}:${var.name_prefix}-forwarder-dlq",
    ]
  }

  dynamic "statement" {
    for_each = var.escalation_sns_topic_arn == null ? [] : [var.escalation_sns_topic_arn]
    content {
      sid       = "ReadOnCallTopic"
      actions   = ["sns:GetTopicAttributes"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.organization ? [aws_cloudformation_stack_set.spokes[0].arn] : []
    content {
      sid       = "ReadOwnStackInstances"
      actions   = ["cloudformation:ListStackInstances"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.organization ? ["arn:${local.partition}:iam::*:role${var.iam_role_path}${local.spoke_health_check_role_name}"] : []
    content {
      sid       = "ReadSpokeRulesInMembers"
      actions   = ["sts:AssumeRole"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "health_check" {
  name   = "health-check"
  role   = aws_iam_role.notifier.id
  policy = data.aws_iam_policy_document.health_check.json
}

data "aws_iam_policy_document" "scheduler_assume_role" {
  count = var.health_check_schedule == null ? 0 : 1

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Used by the schedule to invoke the function, and for nothing else.
resource "aws_iam_role" "health_check_schedule" {
  count = var.health_check_schedule == null ? 0 : 1

  name                 = "${var.name_prefix}-health-check"
  path                 = var.iam_role_path
  assume_role_policy   = data.aws_iam_policy_document.scheduler_assume_role[0].json
  permissions_boundary = var.iam_role_permissions_boundary
  tags                 = var.tags
}

data "aws_iam_policy_document" "health_check_schedule" {
  count = var.health_check_schedule == null ? 0 : 1

  statement {
    sid       = "InvokeTheNotifierOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.notifier.arn]
  }
}

resource "aws_iam_role_policy" "health_check_schedule" {
  count = var.health_check_schedule == null ? 0 : 1

  name   = "invoke-the-notifier"
  role   = aws_iam_role.health_check_schedule[0].id
  policy = data.aws_iam_policy_document.health_check_schedule[0].json
}

resource "aws_scheduler_schedule" "health_check" {
  count = var.health_check_schedule == null ? 0 : 1

  #checkov:skip=CKV_AWS_297:The schedule's input lists resource names the notifier checks, no secret; EventBridge Scheduler encrypts it with an AWS owned key.
  name                = "${var.name_prefix}-health-check"
  description         = "Checks that the root activity notifier can still see; it posts to Slack only when it cannot"
  schedule_expression = var.health_check_schedule

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.notifier.arn
    role_arn = aws_iam_role.health_check_schedule[0].arn
    input    = jsonencode(local.health_check_event)

    retry_policy {
      maximum_retry_attempts       = 3
      maximum_event_age_in_seconds = 3600
    }
  }
}

# At apply: the same checks, failing the apply with their message when the notifier would not see.
resource "aws_lambda_invocation" "health_check" {
  count = var.health_check_at_apply ? 1 : 0

  function_name = aws_lambda_function.notifier.function_name
  input         = jsonencode(merge(local.health_check_event, { at = "apply" }))
  # Again whenever what it checks, or the function, changes.
  triggers = {
    checks   = sha256(jsonencode(local.health_checks))
    function = aws_lambda_function.notifier.source_code_hash
  }

  depends_on = [aws_iam_role_policy.health_check, aws_iam_role_policy.notifier, aws_cloudwatch_event_target.queue, aws_cloudwatch_event_target.tamper]
}
