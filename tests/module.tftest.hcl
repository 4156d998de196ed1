# Plan and apply the module against a mocked AWS provider: wiring, switches and validations.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
}

run "defaults_watch_every_root_call_including_read_only" {
  command = apply

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.root_activity.event_pattern) == {
      "detail-type" = ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "AWS Service Event via CloudTrail", "AWS Console Action via CloudTrail"]
      detail        = { userIdentity = { type = ["Root"] } }
    }
    error_message = "Unexpected default event pattern: ${aws_cloudwatch_event_rule.root_activity.event_pattern}"
  }
  assert {
    condition     = aws_cloudwatch_event_rule.root_activity.state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    error_message = "The rule must receive read-only management events by default."
  }
  assert {
    condition     = aws_lambda_permission.events.source_arn == aws_cloudwatch_event_rule.root_activity.arn && aws_lambda_permission.events.principal == "events.amazonaws.com"
    error_message = "The invoke permission must be scoped to the rule's ARN."
  }
  assert {
    condition     = aws_cloudwatch_event_target.notifier.arn == aws_lambda_function.notifier.arn && aws_cloudwatch_event_target.notifier.dead_letter_config[0].arn == aws_sqs_queue.dead_letter.arn
    error_message = "The rule must target the function with the dead-letter queue."
  }
  assert {
    condition     = aws_cloudwatch_event_target.notifier.retry_policy[0].maximum_retry_attempts == 185 && aws_cloudwatch_event_target.notifier.retry_policy[0].maximum_event_age_in_seconds == 86400
    error_message = "Unexpected default retry policy."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.notifier.destination_config[0].on_failure[0].destination == aws_sqs_queue.dead_letter.arn
    error_message = "Failed asynchronous invocations must land in the dead-letter queue."
  }
  assert {
    condition     = aws_lambda_function.notifier.runtime == "python3.13" && aws_lambda_function.notifier.architectures == tolist(["arm64"]) && aws_lambda_function.notifier.timeout == 30
    error_message = "Unexpected function defaults."
  }
  assert {
    condition     = aws_lambda_function.notifier.handler == "root_activity_notifier.handler.lambda_handler"
    error_message = "The handler entry point is a contract (DESIGN.md)."
  }
  assert {
    condition     = aws_lambda_function.notifier.source_code_hash == filebase64sha256("${path.module}/package/root_activity_notifier.zip")
    error_message = "The function must deploy the committed package."
  }
  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables["SLACK_WEBHOOK_SSM_PARAMETER"] == "/root-activity-notifier/slack-webhook-url"
    error_message = "The function must read the webhook from the module's parameter."
  }
  assert {
    condition     = !anytrue([for value in values(aws_lambda_function.notifier.environment[0].variables) : strcontains(value, "hooks.slack.com")])
    error_message = "The webhook URL must never be in the Lambda environment."
  }
  assert {
    condition     = aws_ssm_parameter.slack_webhook[0].type == "SecureString"
    error_message = "The webhook must be stored as a SecureString."
  }
  assert {
    condition = jsonencode({
      for statement in data.aws_iam_policy_document.notifier.statement : statement.sid => sort(tolist(statement.resources))
      }) == jsonencode({
      WriteOwnLogs         = ["arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/root-activity-notifier:*"]
      ReadWebhookParameter = ["arn:aws:ssm:ap-northeast-1:123456789012:parameter/root-activity-notifier/slack-webhook-url"]
      KeepFailedEvents     = ["arn:aws:sqs:ap-northeast-1:123456789012:root-activity-notifier-dlq"]
    })
    error_message = "The function's permissions must be scoped to the module's own log group, parameter and queue."
  }
  assert {
    condition     = jsonencode(one([for statement in data.aws_iam_policy_document.dead_letter.statement : one(statement.condition).values if statement.sid == "EventBridgeFromThisRuleOnly"])) == jsonencode([aws_cloudwatch_event_rule.root_activity.arn])
    error_message = "Only this rule may send to the dead-letter queue."
  }
  assert {
    condition     = aws_cloudtrail.this[0].is_multi_region_trail && aws_cloudtrail.this[0].include_global_service_events && aws_cloudtrail.this[0].enable_log_file_validation
    error_message = "The trail must be multi-region with global service events and log file validation."
  }
  assert {
    condition     = aws_cloudtrail.this[0].event_selector[0].read_write_type == "All" && aws_cloudtrail.this[0].event_selector[0].include_management_events
    error_message = "The trail must record read and write management events."
  }
  assert {
    condition     = alltrue([for statement in data.aws_iam_policy_document.trail_bucket[0].statement : statement.effect == "Deny" || jsonencode(one(statement.condition).values) == jsonencode(["arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/root-activity-notifier-trail"])])
    error_message = "CloudTrail's bucket statements must be conditioned on the trail's aws:SourceArn."
  }
  assert {
    condition     = aws_s3_bucket_public_access_block.trail[0].block_public_policy && aws_s3_bucket_ownership_controls.trail[0].rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "The trail bucket must block public access and enforce bucket ownership."
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.failure) == ["dead-letter-queue", "lambda-errors", "rule-failed-invocations"] && aws_cloudwatch_metric_alarm.failure["dead-letter-queue"].alarm_actions == toset([aws_sns_topic.alarms[0].arn])
    error_message = "Failure alarms must notify the module's topic."
  }
  assert {
    condition     = output.slack_webhook_ssm_parameter_name == "/root-activity-notifier/slack-webhook-url" && output.event_pattern == aws_cloudwatch_event_rule.root_activity.event_pattern
    error_message = "Outputs must expose what forwarders and users wire further."
  }
}

run "forwarder_role_may_only_put_events_on_the_home_bus" {
  command = apply

  assert {
    condition     = jsonencode([for statement in data.aws_iam_policy_document.forwarder[0].statement : { actions = sort(tolist(statement.actions)), resources = sort(tolist(statement.resources)) }]) == jsonencode([{ actions = ["events:PutEvents"], resources = ["arn:aws:events:ap-northeast-1:123456789012:event-bus/default"] }])
    error_message = "The forwarder role may only put events on the home region's default bus."
  }
  assert {
    condition     = one(one(data.aws_iam_policy_document.forwarder_assume_role[0].statement).principals).identifiers == toset(["events.amazonaws.com"])
    error_message = "Only EventBridge may assume the forwarder role."
  }
  assert {
    condition = output.forwarder_settings == {
      region           = "ap-northeast-1"
      event_bus_arn    = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default"
      role_arn         = aws_iam_role.forwarder[0].arn
      event_pattern    = aws_cloudwatch_event_rule.root_activity.event_pattern
      event_rule_state = aws_cloudwatch_event_rule.root_activity.state
      name_prefix      = "root-activity-notifier"
    }
    error_message = "forwarder_settings must carry everything a forwarder needs, equal to the home rule."
  }
}

run "existing_forwarder_role" {
  command = plan

  variables {
    create_forwarder_role = false
    forwarder_role_arn    = "arn:aws:iam::123456789012:role/security/event-forwarder"
  }

  assert {
    condition     = length(aws_iam_role.forwarder) == 0 && output.forwarder_role_arn == "arn:aws:iam::123456789012:role/security/event-forwarder"
    error_message = "A given forwarder role is used, none created."
  }
}

run "login_only_mode" {
  command = plan

  variables {
    event_rule_mode = "login-only"
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.root_activity.event_pattern) == {
      source        = ["aws.signin"]
      "detail-type" = ["AWS Console Sign In via CloudTrail"]
      detail        = { userIdentity = { type = ["Root"] }, eventName = ["ConsoleLogin"] }
    }
    error_message = "Unexpected login-only pattern: ${aws_cloudwatch_event_rule.root_activity.event_pattern}"
  }
}

run "read_only_calls_left_out_and_names_excluded" {
  command = plan

  variables {
    event_rule_include_read_only_events = false
    event_rule_excluded_event_names     = ["GetCallerIdentity", "ListAliases"]
  }

  assert {
    condition     = aws_cloudwatch_event_rule.root_activity.state == "ENABLED"
    error_message = "Without read-only calls the rule state is ENABLED."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.root_activity.event_pattern).detail.eventName == [{ "anything-but" = ["GetCallerIdentity", "ListAliases"] }]
    error_message = "Excluded names must become an anything-but filter."
  }
  assert {
    condition     = !strcontains(aws_cloudwatch_event_rule.root_activity.event_pattern, "invokedBy")
    error_message = "The pattern must never filter on invokedBy."
  }
}

run "existing_trail_and_existing_parameter" {
  command = apply

  variables {
    create_trail                     = false
    slack_webhook_url                = null
    slack_webhook_ssm_parameter_name = "/team/slack/root-alerts"
    slack_webhook_kms_key_arn        = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length(aws_cloudtrail.this) == 0 && length(aws_s3_bucket.trail) == 0 && length(aws_ssm_parameter.slack_webhook) == 0
    error_message = "Reusing a trail and a parameter must create neither."
  }
  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables["SLACK_WEBHOOK_SSM_PARAMETER"] == "/team/slack/root-alerts"
    error_message = "The function must read the given parameter."
  }
  assert {
    condition = jsonencode({
      for statement in data.aws_iam_policy_document.notifier.statement : statement.sid => sort(tolist(statement.resources)) if startswith(statement.sid, "ReadWebhook") || startswith(statement.sid, "Decrypt")
      }) == jsonencode({
      ReadWebhookParameter    = ["arn:aws:ssm:ap-northeast-1:123456789012:parameter/team/slack/root-alerts"]
      DecryptWebhookParameter = ["arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    })
    error_message = "ssm:GetParameter and kms:Decrypt must be scoped to the given parameter and key."
  }
  assert {
    condition     = output.cloudtrail_arn == null
    error_message = "No trail output without a trail."
  }
}

run "switches_off_create_nothing" {
  command = plan

  variables {
    create_trail  = false
    create_alarms = false
  }

  assert {
    condition     = length(aws_cloudtrail.this) + length(aws_s3_bucket.trail) + length(aws_sns_topic.alarms) + length(aws_cloudwatch_metric_alarm.failure) == 0
    error_message = "Switched-off parts must create nothing."
  }
}

run "existing_alarm_topic_and_email" {
  command = apply

  variables {
    alarm_sns_topic_arn   = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
    alarm_email_addresses = ["secops@example.com"]
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_sns_topic_subscription.alarm_email) == 0
    error_message = "An existing topic means no topic and no subscriptions from the module."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.failure["lambda-errors"].alarm_actions == toset(["arn:aws:sns:ap-northeast-1:123456789012:security-alerts"])
    error_message = "Alarms must go to the given topic."
  }
}

run "email_subscriptions_on_the_module_topic" {
  command = plan

  variables {
    alarm_email_addresses = ["secops@example.com", "oncall@example.com"]
  }

  assert {
    condition     = length(aws_sns_topic_subscription.alarm_email) == 2
    error_message = "One subscription per address."
  }
}

run "settings_reach_the_handler" {
  command = plan

  variables {
    message_language       = "ja"
    message_time_zone      = "Asia/Tokyo"
    account_label          = "production"
    slack_mention          = "<!subteam^S0123ABCD>"
    lambda_tracing_mode    = "Active"
    lambda_runtime         = "python3.12"
    lambda_architecture    = "x86_64"
    name_prefix            = "root-alerts"
    lambda_role_path       = "/security/"
    lambda_package_path    = "./package/root_activity_notifier.zip"
    tags                   = { Team = "security" }
    lambda_timeout         = 60
    lambda_memory_size     = 256
    trail_kms_key_arn      = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    lambda_log_kms_key_arn = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = aws_lambda_function.notifier.environment[0].variables == tomap({
      SLACK_WEBHOOK_SSM_PARAMETER = "/root-alerts/slack-webhook-url"
      NOTIFIER_LANGUAGE           = "ja"
      NOTIFIER_TIME_ZONE          = "Asia/Tokyo"
      NOTIFIER_ACCOUNT_LABEL      = "production"
      NOTIFIER_MENTION            = "<!subteam^S0123ABCD>"
    })
    error_message = "Handler settings must reach its environment."
  }
  assert {
    condition     = aws_lambda_function.notifier.function_name == "root-alerts" && aws_iam_role.notifier.path == "/security/" && aws_lambda_function.notifier.tags["Team"] == "security"
    error_message = "Names, role path and tags must follow the inputs."
  }
  assert {
    condition     = aws_lambda_function.notifier.tracing_config[0].mode == "Active" && contains([for statement in data.aws_iam_policy_document.notifier.statement : statement.sid], "WriteTraces")
    error_message = "Tracing must be configured and permitted."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.trail[0].rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" && aws_cloudtrail.this[0].kms_key_id != null
    error_message = "A trail key must encrypt both the trail and its bucket."
  }
}

run "exactly_one_webhook_source_none" {
  command = plan

  variables {
    slack_webhook_url = null
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "exactly_one_webhook_source_both" {
  command = plan

  variables {
    slack_webhook_ssm_parameter_name = "/team/slack/root-alerts"
  }

  expect_failures = [aws_lambda_function.notifier]
}
