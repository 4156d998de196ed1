# Plan and apply the module against a mocked AWS provider: wiring, switches and validations.

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

# A provider passed as aws.us_east_1 by mistake, configured in another region.
mock_provider "aws" {
  alias  = "us_west_2"
  source = "./tests/mocks"
  mock_data "aws_cloudwatch_event_bus" {
    defaults = { arn = "arn:aws:events:us-west-2:123456789012:event-bus/default" }
  }
  mock_data "aws_arn" {
    defaults = { partition = "aws", region = "us-west-2", account = "123456789012" }
  }
}

variables {
  slack_webhook_url     = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
  alarm_email_addresses = ["secops@example.com"]
}

run "defaults_watch_every_root_call_including_read_only" {
  command = apply

  assert {
    condition     = output.slack_session_table_name == "root-activity-notifier-slack-sessions" && contains(keys(aws_cloudwatch_log_metric_filter.notifier), "session-state-unavailable") && jsonencode([for statement in data.aws_iam_policy_document.notifier.statement : statement.resources if strcontains(statement.sid, "Sessions")]) == jsonencode([[aws_dynamodb_table.sessions.arn]])
    error_message = "A webhook keeps its sessions' digests in the session table too: the table, its alarm, DynamoDB on that table only."
  }

  assert {
    condition = jsonencode({ for name, value in aws_lambda_function.notifier.environment[0].variables : name => value if contains(["SLACK_SESSION_TABLE", "NOTIFIER_DIGEST_MINUTES", "NOTIFIER_FOLLOW_UP_QUEUE_URL"], name) }) == jsonencode({
      NOTIFIER_DIGEST_MINUTES      = "5"
      NOTIFIER_FOLLOW_UP_QUEUE_URL = module.queue["sign-ins-and-changes"].url
      SLACK_SESSION_TABLE          = "root-activity-notifier-slack-sessions"
    })
    error_message = "A webhook's function must be told its table, its digest cadence and the queue its follow-ups go to."
  }

  assert {
    condition     = jsonencode([for statement in data.aws_iam_policy_document.notifier.statement : [tolist(statement.actions), tolist(statement.resources)] if statement.sid == "FollowUpOnOwnQueue"]) == jsonencode([[["sqs:SendMessage"], [module.queue["sign-ins-and-changes"].arn]]])
    error_message = "The function may send follow-ups to its own sign-ins-and-changes queue only."
  }

  assert {
    condition = jsondecode(output.event_pattern) == {
      source        = [{ prefix = "aws." }]
      "detail-type" = ["AWS API Call via CloudTrail", "AWS Console Sign In via CloudTrail", "AWS Service Event via CloudTrail", "AWS Console Action via CloudTrail"]
      detail        = { userIdentity = { type = ["Root"] } }
    }
    error_message = "Unexpected default event pattern: ${output.event_pattern}"
  }
  assert {
    condition     = alltrue([for pattern in concat([output.event_pattern], [for rule in aws_cloudwatch_event_rule.root_activity : rule.event_pattern], [for forwarder in module.us_east_1_forwarder : forwarder.event_pattern]) : alltrue([for branch in try(jsondecode(pattern)["$or"], [jsondecode(pattern)]) : branch.source == [{ prefix = "aws." }]])])
    error_message = "Every pattern (home rules, forwarders) must take only events whose source AWS reserves (prefix \"aws.\")."
  }
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.root_activity["read-only"].event_pattern).detail == {
      userIdentity = { type = ["Root"] }
      readOnly     = [true]
    }
    error_message = "Read-only calls must have a rule of their own."
  }
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"].event_pattern).detail == {
      userIdentity = { type = ["Root"] }
      "$or"        = [{ readOnly = [false, null] }, { readOnly = [{ exists = false }] }, { readOnly = [{ prefix = "" }] }]
    }
    error_message = "Everything else, sign-ins included (they carry no readOnly), must take the fast path."
  }
  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.root_activity : rule.state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"])
    error_message = "The rules must receive read-only management events by default."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"].name == "root-activity-notifier" && aws_cloudwatch_event_rule.root_activity["read-only"].name == "root-activity-notifier-read-only"
    error_message = "The fast path keeps the rule's name."
  }
  assert {
    condition     = alltrue([for path, target in aws_cloudwatch_event_target.queue : target.arn == module.queue[path].arn && target.dead_letter_config[0].arn == module.failure_handling.dead_letter_queue_arn])
    error_message = "Each rule must target its own queue, with the dead-letter queue."
  }
  assert {
    condition     = alltrue([for target in aws_cloudwatch_event_target.queue : target.retry_policy[0].maximum_retry_attempts == 185 && target.retry_policy[0].maximum_event_age_in_seconds == 86400])
    error_message = "Unexpected default retry policy."
  }
  assert {
    condition     = module.queue["sign-ins-and-changes"].name == "root-activity-notifier-sign-ins-and-changes" && module.queue["read-only"].name == "root-activity-notifier-read-only"
    error_message = "One queue per delivery path, named after it."
  }
  assert {
    condition = jsonencode({ for path, mapping in aws_lambda_event_source_mapping.queue : path => {
      source = mapping.event_source_arn, window = mapping.maximum_batching_window_in_seconds, size = mapping.batch_size
      report = tolist(mapping.function_response_types), concurrency = mapping.scaling_config[0].maximum_concurrency
      }
      }) == jsonencode({
      read-only            = { source = module.queue["read-only"].arn, window = 300, size = 1000, report = ["ReportBatchItemFailures"], concurrency = 2 }
      sign-ins-and-changes = { source = module.queue["sign-ins-and-changes"].arn, window = 5, size = 100, report = ["ReportBatchItemFailures"], concurrency = 2 }
    })
    error_message = "The function must read each queue in batches, reporting item failures, with bounded concurrency."
  }
  assert {
    condition     = alltrue([for mapping in aws_lambda_event_source_mapping.queue : mapping.function_name == aws_lambda_function.notifier.arn])
    error_message = "The mappings must feed the notifier."
  }
  assert {
    condition     = aws_lambda_function.notifier.runtime == "python3.13" && aws_lambda_function.notifier.architectures == tolist(["arm64"]) && aws_lambda_function.notifier.timeout == 60
    error_message = "Unexpected function defaults."
  }
  assert {
    condition     = aws_lambda_function.notifier.handler == "root_activity_notifier.handler.lambda_handler"
    error_message = "The handler entry point is a contract: lambda_package_path builds and the README name it."
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
      WriteOwnLogs         = ["${aws_cloudwatch_log_group.notifier.arn}:*"]
      ReadWebhookParameter = ["arn:aws:ssm:ap-northeast-1:123456789012:parameter/root-activity-notifier/slack-webhook-url"]
      KeepSlackSessions    = [aws_dynamodb_table.sessions.arn]
      ReadOwnQueues        = sort(distinct([for queue in module.queue : queue.arn]))
      FollowUpOnOwnQueue   = [module.queue["sign-ins-and-changes"].arn]
    })
    error_message = "The function's permissions must be scoped to the module's own log group, parameter and queue."
  }
  assert {
    condition     = aws_cloudwatch_log_group.notifier.name == "/aws/lambda/${aws_lambda_function.notifier.function_name}"
    error_message = "The function's log group must be the one Lambda writes to."
  }
  assert {
    condition     = module.failure_handling.dead_letter_queue_name == "root-activity-notifier-dlq" && output.dead_letter_queue_arn == module.failure_handling.dead_letter_queue_arn
    error_message = "The module's dead-letter queue is the one rule and function use."
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
    condition     = jsonencode(sort(module.failure_handling.alarm_names)) == jsonencode(["root-activity-notifier-dead-letter-queue", "root-activity-notifier-delivery-failures", "root-activity-notifier-forged-events", "root-activity-notifier-health-check", "root-activity-notifier-lambda-errors", "root-activity-notifier-lambda-throttles", "root-activity-notifier-read-only-rule-failed-invocations", "root-activity-notifier-rule-failed-invocations", "root-activity-notifier-session-state-unavailable", "root-activity-notifier-tamper-access-rule-failed-invocations", "root-activity-notifier-tamper-delivery-rule-failed-invocations", "root-activity-notifier-tamper-rules-rule-failed-invocations"]) && output.alarm_sns_topic_arn != null
    error_message = "Failure alarms on the function, its deliveries, each rule and the dead-letter queue must notify a topic."
  }
  assert {
    condition     = aws_cloudwatch_log_metric_filter.notifier["delivery-failures"].pattern == "{ $.outcome = \"failed\" }" && aws_cloudwatch_log_metric_filter.notifier["forged-events"].pattern == "{ $.outcome = \"refused\" }" && alltrue([for filter in aws_cloudwatch_log_metric_filter.notifier : filter.log_group_name == aws_cloudwatch_log_group.notifier.name])
    error_message = "Delivery failures (outcome failed) and forged events (outcome refused) are counted from the function's log lines."
  }
  assert {
    condition     = output.slack_webhook_ssm_parameter_name == "/root-activity-notifier/slack-webhook-url" && output.event_rule_arns == { for path, rule in aws_cloudwatch_event_rule.root_activity : path => rule.arn }
    error_message = "Outputs must expose what forwarders and users wire further."
  }
}

run "forwarder_role_may_only_put_events_on_the_home_bus" {
  command = apply

  variables {
    forwarder_alarm_sns_topic_arns = { "us-east-1" = "arn:aws:sns:us-east-1:123456789012:security-alerts" }
  }

  assert {
    condition     = jsonencode([for statement in data.aws_iam_policy_document.forwarder[0].statement : { actions = sort(tolist(statement.actions)), resources = sort(tolist(statement.resources)) }]) == jsonencode([{ actions = ["events:PutEvents"], resources = ["arn:aws:events:ap-northeast-1:123456789012:event-bus/default"] }])
    error_message = "The forwarder role may only put events on the home region's default bus."
  }
  assert {
    condition     = one(one(data.aws_iam_policy_document.forwarder_assume_role[0].statement).principals).identifiers == toset(["events.amazonaws.com"])
    error_message = "Only EventBridge may assume the forwarder role."
  }
  assert {
    condition = jsonencode(output.forwarder_settings) == jsonencode({
      region                    = "ap-northeast-1"
      event_bus_arn             = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default"
      role_arn                  = aws_iam_role.forwarder[0].arn
      event_pattern             = output.event_pattern
      event_rule_state          = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
      tamper_event_patterns     = { for rule, pattern in aws_cloudwatch_event_rule.tamper : rule => pattern.event_pattern }
      create_tamper_path        = true
      tamper_path_event_pattern = local.tamper_path_event_pattern
      name_prefix               = "root-activity-notifier"
      create_alarms             = true
      alarm_email_addresses     = ["secops@example.com"]
      alarm_sns_topic_arns      = { "us-east-1" = "arn:aws:sns:us-east-1:123456789012:security-alerts" }
      forwarded_regions         = ["us-east-1"]
    })
    error_message = "forwarder_settings must carry everything a forwarder needs, equal to the home rule, alarm recipients included."
  }
}

run "forwards_us_east_1_itself_when_home_is_elsewhere" {
  command = apply

  assert {
    condition     = length(module.us_east_1_forwarder) == 1 && output.us_east_1_forwarder_event_rule_arn == module.us_east_1_forwarder[0].event_rule_arn
    error_message = "A notifier outside us-east-1 must forward us-east-1, where root console sign-ins are recorded."
  }
  assert {
    condition     = module.us_east_1_forwarder[0].event_pattern == output.event_pattern && module.us_east_1_forwarder[0].event_rule_state == output.event_rule_state
    error_message = "The us-east-1 forwarder must use the home rule's pattern and state."
  }
  assert {
    condition     = module.us_east_1_forwarder[0].alarm_sns_topic_arn != null
    error_message = "The us-east-1 forwarder must alarm on its failures."
  }
}

run "no_forwarder_when_home_is_us_east_1" {
  command = plan

  override_data {
    target = data.aws_cloudwatch_event_bus.default
    values = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/default" }
  }
  override_data {
    target = data.aws_arn.default_bus
    values = { partition = "aws", region = "us-east-1", account = "123456789012" }
  }

  assert {
    condition     = length(module.us_east_1_forwarder) == 0 && output.us_east_1_forwarder_event_rule_arn == null
    error_message = "A notifier in us-east-1 sees sign-ins itself; a forwarder there would loop."
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
    condition = jsondecode(aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"].event_pattern) == {
      source        = [{ prefix = "aws." }]
      "detail-type" = ["AWS Console Sign In via CloudTrail"]
      detail        = { userIdentity = { type = ["Root"] }, eventName = ["ConsoleLogin"] }
    }
    error_message = "Unexpected login-only pattern: ${aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"].event_pattern}"
  }
  assert {
    condition     = alltrue([for pattern in concat([output.event_pattern], [for rule in aws_cloudwatch_event_rule.root_activity : rule.event_pattern], [for forwarder in module.us_east_1_forwarder : forwarder.event_pattern]) : alltrue([for branch in try(jsondecode(pattern)["$or"], [jsondecode(pattern)]) : branch.source == [{ prefix = "aws." }]])])
    error_message = "Every pattern (home rules, forwarders) must take only events whose source AWS reserves (prefix \"aws.\")."
  }
  assert {
    condition     = keys(aws_cloudwatch_event_rule.root_activity) == ["sign-ins-and-changes"] && keys(module.queue) == ["sign-ins-and-changes"]
    error_message = "Login-only has one path: sign-ins."
  }
}

run "read_only_calls_left_out_and_names_excluded" {
  command = plan

  variables {
    event_rule_include_read_only_events = false
    event_rule_excluded_event_names     = ["GetCallerIdentity", "ListAliases"]
  }

  assert {
    condition     = keys(aws_cloudwatch_event_rule.root_activity) == ["sign-ins-and-changes"] && aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"].state == "ENABLED"
    error_message = "Without read-only calls there is one path, and the rule state is ENABLED."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.root_activity["sign-ins-and-changes"].event_pattern).detail.eventName == [{ "anything-but" = ["GetCallerIdentity", "ListAliases"] }]
    error_message = "Excluded names must become an anything-but filter."
  }
  assert {
    condition     = !strcontains(output.event_pattern, "invokedBy")
    error_message = "The pattern must never filter on invokedBy."
  }
  assert {
    condition     = alltrue([for pattern in concat([output.event_pattern], [for rule in aws_cloudwatch_event_rule.root_activity : rule.event_pattern], [for forwarder in module.us_east_1_forwarder : forwarder.event_pattern]) : alltrue([for branch in try(jsondecode(pattern)["$or"], [jsondecode(pattern)]) : branch.source == [{ prefix = "aws." }]])])
    error_message = "Every pattern (home rules, forwarders) must take only events whose source AWS reserves (prefix \"aws.\")."
  }
}

run "patterns_stay_within_eventbridge_quota" {
  command = plan

  variables {
    event_rule_excluded_event_names = [for number in range(120) : "GetSomethingRatherLong${number}"]
  }

  expect_failures = [aws_cloudwatch_event_rule.root_activity]
}

run "existing_trail_and_existing_parameter" {
  command = apply

  variables {
    create_trail                     = false
    trail_arn_to_watch               = "arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail"
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

  expect_failures = [check.a_trail_is_watched]

  assert {
    condition     = length(aws_cloudtrail.this) + length(aws_s3_bucket.trail) + length(module.failure_handling.alarm_names) == 0 && output.alarm_sns_topic_arn == null
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
    condition     = output.alarm_sns_topic_arn == "arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
    error_message = "Alarms must go to the given topic."
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
    iam_role_path          = "/security/"
    lambda_package_path    = "./package/root_activity_notifier.zip"
    tags                   = { Team = "security" }
    lambda_timeout         = 60
    lambda_memory_size     = 256
    trail_kms_key_arn      = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    lambda_log_kms_key_arn = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = aws_lambda_function.notifier.environment[0].variables == tomap({
      SLACK_WEBHOOK_SSM_PARAMETER  = "/root-alerts/slack-webhook-url"
      NOTIFIER_LANGUAGE            = "ja"
      NOTIFIER_TIME_ZONE           = "Asia/Tokyo"
      NOTIFIER_ACCOUNT_LABEL       = "production"
      NOTIFIER_MENTION             = "<!subteam^S0123ABCD>"
      SLACK_SESSION_TABLE          = "root-alerts-slack-sessions"
      SLACK_SESSION_IDLE_MINUTES   = "60"
      NOTIFIER_DIGEST_MINUTES      = "5"
      NOTIFIER_FOLLOW_UP_QUEUE_URL = module.queue["sign-ins-and-changes"].url
    })
    error_message = "Handler settings must reach its environment."
  }
  assert {
    condition     = aws_lambda_function.notifier.function_name == "root-alerts" && aws_iam_role.notifier.path == "/security/" && aws_iam_role.forwarder[0].path == "/security/" && aws_lambda_function.notifier.tags["Team"] == "security"
    error_message = "Names, the path of every role and tags must follow the inputs."
  }
  assert {
    condition     = module.failure_handling.dead_letter_queue_name == "root-alerts-dlq" && aws_cloudwatch_event_rule.root_activity["read-only"].name == "root-alerts-read-only" && aws_ssm_parameter.slack_webhook[0].name == "/root-alerts/slack-webhook-url"
    error_message = "Every name must follow name_prefix."
  }
  assert {
    condition = jsonencode({
      for statement in data.aws_iam_policy_document.notifier.statement : statement.sid => sort(tolist(statement.resources)) if statement.sid == "ReadWebhookParameter"
      }) == jsonencode({
      ReadWebhookParameter = ["arn:aws:ssm:ap-northeast-1:123456789012:parameter/root-alerts/slack-webhook-url"]
    })
    error_message = "The function's permissions must follow name_prefix."
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

run "slack_app_mode_stores_the_token_and_routes_by_account" {
  command = apply

  variables {
    slack_webhook_url    = null
    slack_bot_token      = "xoxb-1111111111-2222222222-abcdefghijklmnop\n"
    slack_channel_id     = "C0DEFAULT01"
    slack_channel_routes = { "222222222222" = "C0TEAMPAY01" }
  }

  assert {
    condition     = aws_ssm_parameter.slack_bot_token[0].type == "SecureString" && aws_ssm_parameter.slack_bot_token[0].name == "/root-activity-notifier/slack-bot-token" && aws_ssm_parameter.slack_bot_token[0].value == "xoxb-1111111111-2222222222-abcdefghijklmnop" && length(aws_ssm_parameter.slack_webhook) == 0
    error_message = "A bot token must be stored, trimmed, as the module's SecureString, and no webhook parameter created."
  }
  assert {
    condition = jsonencode({ for name, value in aws_lambda_function.notifier.environment[0].variables : name => value if startswith(name, "SLACK_") }) == jsonencode({
      SLACK_BOT_TOKEN_SSM_PARAMETER = "/root-activity-notifier/slack-bot-token"
      SLACK_CHANNEL_ID              = "C0DEFAULT01"
      SLACK_CHANNEL_ROUTES          = jsonencode({ "222222222222" = "C0TEAMPAY01" })
      SLACK_SESSION_IDLE_MINUTES    = "60"
      SLACK_SESSION_TABLE           = "root-activity-notifier-slack-sessions"
    }) && !contains(keys(aws_lambda_function.notifier.environment[0].variables), "NOTIFIER_DIGEST_MINUTES")
    error_message = "The function must be told the token's parameter, the channel, the routes and its session table, and no webhook: ${jsonencode(aws_lambda_function.notifier.environment[0].variables)}"
  }
  assert {
    condition     = aws_dynamodb_table.sessions.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.sessions.hash_key == "pk" && aws_dynamodb_table.sessions.ttl[0].attribute_name == "expires_at" && aws_dynamodb_table.sessions.ttl[0].enabled && aws_dynamodb_table.sessions.point_in_time_recovery[0].enabled && !aws_dynamodb_table.sessions.server_side_encryption[0].enabled
    error_message = "The session table must be on demand, keyed by pk, expire items by expires_at, keep point-in-time recovery and use DynamoDB's own key when none is given."
  }
  assert {
    condition = jsonencode([
      for statement in data.aws_iam_policy_document.notifier.statement : [statement.sid, sort(tolist(statement.resources))] if strcontains(statement.sid, "Sessions")
      ]) == jsonencode([
      ["KeepSlackSessions", [aws_dynamodb_table.sessions.arn]],
    ])
    error_message = "The function may use the session table only, and no key when the table has none."
  }
  assert {
    condition     = output.slack_session_table_name == aws_dynamodb_table.sessions.name && output.slack_session_table_arn == aws_dynamodb_table.sessions.arn && aws_cloudwatch_log_metric_filter.notifier["session-state-unavailable"].pattern == "{ $.state_store = \"unavailable\" }" && contains(module.failure_handling.alarm_names, "root-activity-notifier-session-state-unavailable")
    error_message = "The outputs must name the session table, and an alarm must count the batches posted unthreaded because the table failed."
  }
  assert {
    condition = jsonencode({
      for statement in data.aws_iam_policy_document.notifier.statement : statement.sid => sort(tolist(statement.resources)) if strcontains(statement.sid, "Parameter")
      }) == jsonencode({
      ReadBotTokenParameter = ["arn:aws:ssm:ap-northeast-1:123456789012:parameter/root-activity-notifier/slack-bot-token"]
    })
    error_message = "The function may read the token's parameter only."
  }
  assert {
    condition     = output.slack_bot_token_ssm_parameter_name == "/root-activity-notifier/slack-bot-token" && output.slack_webhook_ssm_parameter_name == null && output.health_check_input.checks.bot_token_parameter == "/root-activity-notifier/slack-bot-token"
    error_message = "The outputs and the health check must name the token's parameter."
  }
}

run "slack_app_mode_with_an_existing_parameter_and_key" {
  command = apply

  variables {
    slack_webhook_url                  = null
    slack_bot_token_ssm_parameter_name = "team/slack/root-alerts-bot"
    slack_bot_token_kms_key_arn        = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    slack_channel_id                   = "G0PRIVATE01"
    slack_session_idle_minutes         = 30
    slack_session_table_kms_key_arn    = "arn:aws:kms:ap-northeast-1:123456789012:key/5678efgh-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_dynamodb_table.sessions.server_side_encryption[0].enabled && aws_dynamodb_table.sessions.server_side_encryption[0].kms_key_arn == "arn:aws:kms:ap-northeast-1:123456789012:key/5678efgh-12ab-34cd-56ef-1234567890ab" && aws_lambda_function.notifier.environment[0].variables["SLACK_SESSION_IDLE_MINUTES"] == "30"
    error_message = "The session table must be encrypted with the given key, and the idle time passed on."
  }
  assert {
    condition = jsonencode([
      for statement in data.aws_iam_policy_document.notifier.statement : [statement.sid, sort(tolist(statement.resources)), [for condition in statement.condition : [condition.variable, tolist(condition.values)]]] if strcontains(statement.sid, "Sessions")
      ]) == jsonencode([
      ["KeepSlackSessions", [aws_dynamodb_table.sessions.arn], []],
      ["UseSlackSessionsKey", ["arn:aws:kms:ap-northeast-1:123456789012:key/5678efgh-12ab-34cd-56ef-1234567890ab"], [["kms:ViaService", ["dynamodb.ap-northeast-1.amazonaws.com"]]]],
    ])
    error_message = "The table's key may be used only through DynamoDB."
  }

  assert {
    condition     = length(aws_ssm_parameter.slack_bot_token) == 0 && aws_lambda_function.notifier.environment[0].variables["SLACK_BOT_TOKEN_SSM_PARAMETER"] == "team/slack/root-alerts-bot" && !contains(keys(aws_lambda_function.notifier.environment[0].variables), "SLACK_CHANNEL_ROUTES")
    error_message = "An existing token parameter must be read, not created, and no routes set when none are given."
  }
  assert {
    condition = jsonencode({
      for statement in data.aws_iam_policy_document.notifier.statement : statement.sid => sort(tolist(statement.resources)) if strcontains(statement.sid, "Parameter")
      }) == jsonencode({
      ReadBotTokenParameter    = ["arn:aws:ssm:ap-northeast-1:123456789012:parameter/team/slack/root-alerts-bot"]
      DecryptBotTokenParameter = ["arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    })
    error_message = "ssm:GetParameter and kms:Decrypt must be scoped to the token's parameter and key."
  }
  assert {
    condition     = jsonencode(local.tamper_watched_parameters) == jsonencode(["team/slack/root-alerts-bot", "/team/slack/root-alerts-bot"])
    error_message = "The tamper rules must watch a token parameter created outside Terraform: ${jsonencode(local.tamper_watched_parameters)}"
  }
}

run "escalation_pages_on_call_through_its_topic_and_its_key_only_through_sns" {
  command = plan

  variables {
    escalation_sns_topic_arn         = "arn:aws:sns:us-west-2:123456789012:on-call"
    escalation_sns_topic_kms_key_arn = "arn:aws:kms:us-west-2:123456789012:key/9abc0def-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables["NOTIFIER_ESCALATION_TOPIC_ARN"] == "arn:aws:sns:us-west-2:123456789012:on-call"
    error_message = "The function must be told the on-call topic."
  }
  assert {
    condition = jsonencode([
      for statement in data.aws_iam_policy_document.notifier.statement : [statement.sid, sort(tolist(statement.actions)), sort(tolist(statement.resources)), [for condition in statement.condition : [condition.test, condition.variable, tolist(condition.values)]]] if strcontains(statement.sid, "OnCall")
      ]) == jsonencode([
      ["PageOnCall", ["sns:Publish"], ["arn:aws:sns:us-west-2:123456789012:on-call"], []],
      ["UseOnCallTopicKey", ["kms:Decrypt", "kms:GenerateDataKey*"], ["arn:aws:kms:us-west-2:123456789012:key/9abc0def-12ab-34cd-56ef-1234567890ab"], [["StringEquals", "kms:ViaService", ["sns.us-west-2.amazonaws.com"]]]],
    ])
    error_message = "The function may publish to the on-call topic only, and use its key only through SNS in the topic's region."
  }
  assert {
    condition     = output.health_check_input.checks.escalation_topic == "arn:aws:sns:us-west-2:123456789012:on-call" && jsonencode([for statement in data.aws_iam_policy_document.health_check.statement : [statement.sid, tolist(statement.actions), tolist(statement.resources)] if statement.sid == "ReadOnCallTopic"]) == jsonencode([["ReadOnCallTopic", ["sns:GetTopicAttributes"], ["arn:aws:sns:us-west-2:123456789012:on-call"]]])
    error_message = "The health check must ask the on-call topic, and may only read its attributes."
  }
}

run "no_escalation_by_default" {
  command = plan

  assert {
    condition     = !contains(keys(aws_lambda_function.notifier.environment[0].variables), "NOTIFIER_ESCALATION_AFTER_MINUTES") && !contains(keys(aws_lambda_function.notifier.environment[0].variables), "NOTIFIER_ESCALATION_TOPIC_ARN") && length([for statement in concat(data.aws_iam_policy_document.notifier.statement, data.aws_iam_policy_document.health_check.statement) : statement.sid if strcontains(statement.sid, "OnCall")]) == 0 && !contains(keys(output.health_check_input.checks), "escalation_topic")
    error_message = "Without a topic, the function pages no one and may publish nowhere."
  }
}

run "an_escalation_key_without_a_topic_grants_nothing" {
  command = plan

  variables {
    escalation_sns_topic_kms_key_arn = "arn:aws:kms:us-west-2:123456789012:key/9abc0def-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length([for statement in data.aws_iam_policy_document.notifier.statement : statement.sid if strcontains(statement.sid, "OnCall")]) == 0
    error_message = "A key alone must not let the function use it."
  }
}

run "slack_interactivity_is_an_endpoint_that_only_slack_can_use" {
  command = apply

  variables {
    slack_webhook_url                = null
    slack_bot_token                  = "xoxb-1234567890-abcdefghijklmnop"
    slack_channel_id                 = "C0SECURITY1"
    slack_interactivity              = true
    slack_signing_secret             = "8f742231b10e8888abcd99yyyzzz85a5"
    slack_responder_user_ids         = ["U0RESPOND1", "W0RESPOND2"]
    escalation_sns_topic_arn         = "arn:aws:sns:ap-northeast-1:123456789012:on-call"
    slack_signing_secret_kms_key_arn = "arn:aws:kms:ap-northeast-1:123456789012:key/aaaa1111-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = aws_lambda_function.interactions[0].handler == "root_activity_notifier.interactions.lambda_handler" && aws_lambda_function.interactions[0].function_name == "root-activity-notifier-interactions" && aws_lambda_function.interactions[0].reserved_concurrent_executions == 5 && aws_lambda_function.interactions[0].timeout == 20 && aws_lambda_function.interactions[0].source_code_hash == aws_lambda_function.notifier.source_code_hash
    error_message = "The endpoint is the committed package's interactions entry point, with its concurrency reserved."
  }
  assert {
    condition     = aws_lambda_function_url.interactions[0].authorization_type == "NONE" && aws_lambda_permission.interactions_url[0].action == "lambda:InvokeFunctionUrl" && aws_lambda_permission.interactions_url[0].function_url_auth_type == "NONE" && aws_lambda_permission.interactions_invoke[0].action == "lambda:InvokeFunction" && output.slack_interactivity_url == aws_lambda_function_url.interactions[0].function_url
    error_message = "Slack cannot sign AWS requests: the URL takes anyone's, and its URL is an output for the manifest."
  }
  assert {
    condition     = aws_lambda_function.interactions[0].environment[0].variables["SLACK_SIGNING_SECRET_SSM_PARAMETER"] == "/root-activity-notifier/slack-signing-secret" && aws_lambda_function.interactions[0].environment[0].variables["SLACK_RESPONDER_USER_IDS"] == "U0RESPOND1,W0RESPOND2" && aws_lambda_function.notifier.environment[0].variables["SLACK_INTERACTIVITY"] == "true" && aws_ssm_parameter.slack_signing_secret[0].type == "SecureString" && !anytrue([for value in values(aws_lambda_function.interactions[0].environment[0].variables) : strcontains(value, "8f742231b10e8888abcd99yyyzzz85a5")])
    error_message = "The endpoint reads the signing secret from its SecureString, never from its environment, and knows its responders; the notifier's parents ask."
  }
  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables["NOTIFIER_ESCALATION_AFTER_MINUTES"] == "15"
    error_message = "With someone to answer, a critical session waits escalation_after_minutes before on-call is paged."
  }
  assert {
    condition = jsonencode({
      for statement in data.aws_iam_policy_document.interactions[0].statement : statement.sid => [sort(tolist(statement.actions)), sort(tolist(statement.resources))]
      }) == jsonencode({
      WriteOwnLogs                    = [["logs:CreateLogStream", "logs:PutLogEvents"], ["${aws_cloudwatch_log_group.interactions[0].arn}:*"]]
      ReadSigningSecretAndBotToken    = [["ssm:GetParameter"], sort(["arn:aws:ssm:ap-northeast-1:123456789012:parameter/root-activity-notifier/slack-signing-secret", "arn:aws:ssm:ap-northeast-1:123456789012:parameter/root-activity-notifier/slack-bot-token"])]
      DecryptSigningSecretAndBotToken = [["kms:Decrypt"], ["arn:aws:kms:ap-northeast-1:123456789012:key/aaaa1111-12ab-34cd-56ef-1234567890ab"]]
      KeepAnswers                     = [["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], [aws_dynamodb_table.sessions.arn]]
      PageOnCall                      = [["sns:Publish"], ["arn:aws:sns:ap-northeast-1:123456789012:on-call"]]
    })
    error_message = "The endpoint's role may do only what an answer needs."
  }
  assert {
    condition     = aws_cloudwatch_log_metric_filter.interactions_refused[0].pattern == "{ $.message = \"interaction refused\" }" && aws_cloudwatch_log_metric_filter.interactions_refused[0].log_group_name == "/aws/lambda/root-activity-notifier-interactions" && contains(module.failure_handling.alarm_names, "root-activity-notifier-interactions-refused")
    error_message = "Every refused request is counted, and an alarm watches the count."
  }
}

run "no_interactivity_endpoint_by_default" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.interactions) == 0 && length(aws_lambda_function_url.interactions) == 0 && output.slack_interactivity_url == null && !contains(keys(aws_lambda_function.notifier.environment[0].variables), "SLACK_INTERACTIVITY")
    error_message = "Without slack_interactivity there is no public endpoint and no button."
  }
}

run "slack_interactivity_with_a_webhook_is_refused" {
  command = plan

  variables {
    slack_interactivity  = true
    slack_signing_secret = "8f742231b10e8888abcd99yyyzzz85a5"
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "slack_interactivity_needs_its_signing_secret" {
  command = plan

  variables {
    slack_webhook_url   = null
    slack_bot_token     = "xoxb-1234567890-abcdefghijklmnop"
    slack_channel_id    = "C0SECURITY1"
    slack_interactivity = true
  }

  expect_failures = [aws_lambda_function.interactions]
}

run "a_webhook_and_a_slack_app_together_are_refused" {
  command = plan

  variables {
    slack_bot_token_ssm_parameter_name = "/team/slack/root-alerts-bot"
    slack_channel_id                   = "C0DEFAULT01"
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "slack_app_mode_needs_a_channel" {
  command = plan

  variables {
    slack_webhook_url                  = null
    slack_bot_token_ssm_parameter_name = "/team/slack/root-alerts-bot"
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "a_webhook_takes_no_channel" {
  command = plan

  variables {
    slack_channel_routes = { "222222222222" = "C0TEAMPAY01" }
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "warns_when_no_one_would_hear_the_alarms" {
  command = plan

  variables {
    alarm_email_addresses          = []
    forwarder_alarm_sns_topic_arns = { "us-east-1" = "arn:aws:sns:us-east-1:123456789012:security-alerts" }
  }

  expect_failures = [check.alarms_reach_someone]
}

run "alarms_with_an_existing_topic_need_no_addresses" {
  command = plan

  variables {
    alarm_email_addresses          = []
    alarm_sns_topic_arn            = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
    forwarder_alarm_sns_topic_arns = { "us-east-1" = "arn:aws:sns:us-east-1:123456789012:security-alerts" }
  }

  assert {
    condition     = module.us_east_1_forwarder[0].alarm_sns_topic_arn == "arn:aws:sns:us-east-1:123456789012:security-alerts"
    error_message = "The forwarder's alarms must go to the topic given for its region."
  }
}

run "queues_with_a_customer_managed_key" {
  command = apply

  variables {
    queue_kms_key_arn = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = jsonencode([
      for statement in data.aws_iam_policy_document.notifier.statement : { actions = sort(tolist(statement.actions)), resources = tolist(statement.resources) } if statement.sid == "DecryptQueuedEvents"
      ]) == jsonencode([{
        actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
        resources = ["arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    }])
    error_message = "The function must be allowed to read queues encrypted with a customer managed key, and only with that key."
  }
}

run "trail_bucket_access_logs" {
  command = plan

  variables {
    trail_bucket_access_log_bucket = "org-access-logs"
  }

  assert {
    condition     = aws_s3_bucket_logging.trail[0].target_bucket == "org-access-logs" && aws_s3_bucket_logging.trail[0].target_prefix == "root-activity-notifier-trail-123456789012-ap-northeast-1/"
    error_message = "Access logs of the trail bucket must go to the given bucket, under the trail bucket's name."
  }
}

run "no_trail_bucket_access_logs_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_logging.trail) == 0
    error_message = "No access logging unless a bucket is given."
  }
}

run "reserved_concurrency" {
  command = plan

  variables {
    lambda_reserved_concurrent_executions = 2
  }

  assert {
    condition     = aws_lambda_function.notifier.reserved_concurrent_executions == 2
    error_message = "A reserved concurrency must reach the function."
  }
}

run "unreserved_concurrency_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_function.notifier.reserved_concurrent_executions == -1
    error_message = "By default the function takes no reserved concurrency from the account."
  }
}

run "webhook_url_read_with_its_trailing_newline" {
  command = plan

  variables {
    slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX\n"
  }

  assert {
    condition     = nonsensitive(aws_ssm_parameter.slack_webhook[0].value) == "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
    error_message = "White space around the webhook URL (a file() read) must be removed before it is stored."
  }
}

run "rejects_a_time_zone_that_is_not_in_the_zone_database" {
  command = plan

  variables {
    message_time_zone = "Asia/Tokio"
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "accepts_every_kind_of_zone_name" {
  command = plan

  variables {
    message_time_zone = "America/Argentina/Buenos_Aires"
  }

  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables["NOTIFIER_TIME_ZONE"] == "America/Argentina/Buenos_Aires"
    error_message = "A three-part IANA zone must be accepted and reach the handler."
  }
}

run "single_account_scope_has_no_organization_parts" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_event_bus.hub) + length(aws_cloudformation_stack_set.spokes) + length(aws_cloudformation_stack_instances.spokes) + length(module.home_region_forwarder) == 0
    error_message = "The default scope must create nothing for an organization."
  }
  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.root_activity : rule.event_bus_name == "default"]) && !contains(keys(aws_cloudwatch_event_rule.root_activity), "assume-root")
    error_message = "The default scope's rules must stay on the default bus, without the AssumeRoot rule."
  }
}

run "refuses_a_us_east_1_provider_in_another_region" {
  command = plan

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_west_2
  }

  expect_failures = [data.aws_cloudwatch_event_bus.us_east_1]
}
