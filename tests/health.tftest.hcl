# The health check: its schedule, its input, the function's read permissions, the check at apply,
# against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "us_east_1"
  source = "./tests/mocks"
  mock_data "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/default" }
  }
  mock_data "aws_arn" {
    defaults = { partition = "aws", region = "us-east-1", account = "123456789012" }
  }
}

variables {
  slack_webhook_url     = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
  alarm_email_addresses = ["secops@example.com"]
}

run "a_daily_schedule_invokes_the_function_with_what_to_check" {
  command = apply

  assert {
    condition     = aws_scheduler_schedule.health_check[0].schedule_expression == "rate(1 day)" && aws_scheduler_schedule.health_check[0].target[0].arn == aws_lambda_function.notifier.arn && aws_scheduler_schedule.health_check[0].target[0].role_arn == aws_iam_role.health_check_schedule[0].arn
    error_message = "A daily schedule must invoke the notifier through its own role."
  }
  assert {
    condition     = aws_scheduler_schedule.health_check[0].target[0].input == jsonencode(output.health_check_input) && output.health_check_input.root_activity_notifier == "health_check"
    error_message = "The schedule's input is the output doctor takes."
  }
  assert {
    condition = jsonencode(output.health_check_input.checks.rules) == jsonencode(concat(
      [for rule in aws_cloudwatch_event_rule.root_activity : { region = "ap-northeast-1", bus = "default", name = rule.name, state = rule.state }],
      [for rule in aws_cloudwatch_event_rule.tamper : { region = "ap-northeast-1", bus = "default", name = rule.name, state = "ENABLED" }],
      [{ region = "ap-northeast-1", bus = "default", name = "root-activity-notifier-tamper-path", state = "ENABLED" }],
      module.us_east_1_forwarder[0].health_checks.rules,
    ))
    error_message = "Every rule of the notifier, the us-east-1 forwarder's included, is checked with its expected state."
  }
  assert {
    condition     = output.health_check_input.checks.trail == aws_cloudtrail.this[0].arn && output.health_check_input.checks.mappings == [for mapping in aws_lambda_event_source_mapping.queue : mapping.uuid] && length(output.health_check_input.checks.dead_letter_queues) == 2
    error_message = "The trail, the mappings and both dead-letter queues are checked."
  }
  assert {
    condition     = one(data.aws_iam_policy_document.health_check_schedule[0].statement).actions == toset(["lambda:InvokeFunction"]) && one(data.aws_iam_policy_document.health_check_schedule[0].statement).resources == toset([aws_lambda_function.notifier.arn])
    error_message = "The schedule's role may only invoke the notifier."
  }
  assert {
    condition = jsonencode({ for statement in data.aws_iam_policy_document.health_check.statement : statement.sid => sort(tolist(statement.actions)) }) == jsonencode({
      ReadTrailStatus               = ["cloudtrail:GetTrailStatus"]
      FindForwarders                = ["ec2:DescribeRegions", "events:ListRules"]
      ReadOwnRules                  = ["events:DescribeRule"]
      ReadOwnMappingsAndConcurrency = ["lambda:GetEventSourceMapping", "lambda:GetFunctionConcurrency"]
      ReadOwnDeadLetterQueues       = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    })
    error_message = "The function gains only the reads the health check needs."
  }
  assert {
    condition     = alltrue([for statement in data.aws_iam_policy_document.health_check.statement : !contains(statement.resources, "*") if statement.sid != "FindForwarders"])
    error_message = "Each read is scoped to the notifier's own resources (but the two lists that find forwarders, which take no resource)."
  }
  assert {
    condition = jsonencode(output.health_check_input.checks.forwarders) == jsonencode({
      rule              = "root-activity-notifier-forwarder"
      rule_state        = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
      tamper_rules      = [for rule in ["tamper-rules", "tamper-delivery", "tamper-access"] : "root-activity-notifier-forwarder-${rule}"]
      optional_rules    = ["root-activity-notifier-forwarder-tamper-path"]
      dead_letter_queue = "root-activity-notifier-forwarder-dlq"
    }) && contains(one([for statement in data.aws_iam_policy_document.health_check.statement : statement.resources if statement.sid == "ReadOwnRules"]), "arn:aws:events:*:123456789012:rule/root-activity-notifier-forwarder*")
    error_message = "Forwarders, however added, are found by their names in every region, and their rules may be read."
  }
  assert {
    condition     = length(aws_lambda_invocation.health_check) == 1 && jsondecode(aws_lambda_invocation.health_check[0].input).at == "apply"
    error_message = "The health check runs once at apply by default."
  }
  assert {
    condition     = aws_cloudwatch_log_metric_filter.notifier["health-check"].pattern == "{ $.health = \"failing\" }"
    error_message = "A failing health check is counted, and alarmed on."
  }
}

run "switched_off" {
  command = plan

  variables {
    health_check_schedule = null
    health_check_at_apply = false
  }

  assert {
    condition     = length(aws_scheduler_schedule.health_check) == 0 && length(aws_iam_role.health_check_schedule) == 0 && length(aws_lambda_invocation.health_check) == 0
    error_message = "Both can be switched off."
  }
}

run "rejects_a_schedule_that_is_no_expression" {
  command = plan

  variables {
    health_check_schedule = "daily"
  }

  expect_failures = [var.health_check_schedule]
}
