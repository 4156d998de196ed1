# Every variable validation rejects its bad input: one run per validation.

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

run "rejects_bad_name_prefix" {
  command = plan

  variables {
    name_prefix = "has spaces"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_bad_slack_webhook_url" {
  command = plan

  variables {
    slack_webhook_url = "https://example.com/hook"
  }

  expect_failures = [var.slack_webhook_url]
}

run "rejects_bad_slack_bot_token" {
  command = plan

  variables {
    slack_bot_token = "xoxp-1111111111-user-token"
  }

  expect_failures = [var.slack_bot_token]
}

run "rejects_bad_slack_bot_token_ssm_parameter_name" {
  command = plan

  variables {
    slack_bot_token_ssm_parameter_name = "has spaces"
  }

  expect_failures = [var.slack_bot_token_ssm_parameter_name]
}

run "rejects_bad_slack_bot_token_kms_key_arn" {
  command = plan

  variables {
    slack_bot_token_kms_key_arn = "alias/my-key"
  }

  expect_failures = [var.slack_bot_token_kms_key_arn]
}

run "rejects_bad_slack_session_idle_minutes" {
  command = plan

  variables {
    slack_session_idle_minutes = 2.5
  }

  expect_failures = [var.slack_session_idle_minutes]
}

run "rejects_a_digest_cadence_past_sqs_delay" {
  command = plan

  variables {
    slack_webhook_digest_minutes = 16
  }

  expect_failures = [var.slack_webhook_digest_minutes]
}

run "rejects_bad_slack_session_table_kms_key_arn" {
  command = plan

  variables {
    slack_session_table_kms_key_arn = "alias/sessions"
  }

  expect_failures = [var.slack_session_table_kms_key_arn]
}

run "rejects_bad_slack_channel_id" {
  command = plan

  variables {
    slack_channel_id = "#security"
  }

  expect_failures = [var.slack_channel_id]
}

run "rejects_bad_slack_channel_routes" {
  command = plan

  variables {
    slack_channel_routes = { "12345" = "security" }
  }

  expect_failures = [var.slack_channel_routes]
}

run "rejects_bad_slack_webhook_ssm_parameter_name" {
  command = plan

  variables {
    slack_webhook_ssm_parameter_name = "has spaces"
  }

  expect_failures = [var.slack_webhook_ssm_parameter_name]
}

run "rejects_bad_slack_webhook_kms_key_arn" {
  command = plan

  variables {
    slack_webhook_kms_key_arn = "alias/my-key"
  }

  expect_failures = [var.slack_webhook_kms_key_arn]
}

run "rejects_bad_slack_mention" {
  command = plan

  variables {
    slack_mention = "@everyone-now"
  }

  expect_failures = [var.slack_mention]
}

run "rejects_bad_message_language" {
  command = plan

  variables {
    message_language = "fr"
  }

  expect_failures = [var.message_language]
}

run "rejects_uppercase_name_prefix" {
  command = plan

  variables {
    name_prefix = "Root-Alerts"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_name_prefix_too_long_for_the_trail_bucket" {
  command = plan

  variables {
    name_prefix = "abcdefghijklmnopqrstuvwxyz0123"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_forwarder_alarm_topic_of_another_region" {
  command = plan

  variables {
    forwarder_alarm_sns_topic_arns = { "us-east-1" = "arn:aws:sns:eu-west-1:123456789012:security-alerts" }
  }

  expect_failures = [var.forwarder_alarm_sns_topic_arns]
}

run "rejects_bad_account_label" {
  command = plan

  variables {
    account_label = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
  }

  expect_failures = [var.account_label]
}

run "rejects_bad_trail_kms_key_arn" {
  command = plan

  variables {
    trail_kms_key_arn = "key-id"
  }

  expect_failures = [var.trail_kms_key_arn]
}

run "rejects_bad_trail_bucket_log_expiration_days" {
  command = plan

  variables {
    trail_bucket_log_expiration_days = 0
  }

  expect_failures = [var.trail_bucket_log_expiration_days]
}

run "rejects_bad_event_rule_mode" {
  command = plan

  variables {
    event_rule_mode = "everything"
  }

  expect_failures = [var.event_rule_mode]
}

run "rejects_bad_event_rule_excluded_event_names" {
  command = plan

  variables {
    event_rule_excluded_event_names = ["ConsoleLogin"]
  }

  expect_failures = [var.event_rule_excluded_event_names]
}

run "rejects_critical_event_rule_excluded_event_names" {
  command = plan

  variables {
    event_rule_excluded_event_names = ["GetCallerIdentity", "StopLogging"]
  }

  expect_failures = [var.event_rule_excluded_event_names]
}

run "rejects_bad_event_rule_excluded_event_names_characters" {
  command = plan

  variables {
    event_rule_excluded_event_names = ["Get Caller Identity"]
  }

  expect_failures = [var.event_rule_excluded_event_names]
}

run "rejects_bad_event_target_maximum_retry_attempts" {
  command = plan

  variables {
    event_target_maximum_retry_attempts = 186
  }

  expect_failures = [var.event_target_maximum_retry_attempts]
}

run "rejects_bad_event_target_maximum_event_age" {
  command = plan

  variables {
    event_target_maximum_event_age = 30
  }

  expect_failures = [var.event_target_maximum_event_age]
}

run "rejects_bad_lambda_runtime" {
  command = plan

  variables {
    lambda_runtime = "python3.14"
  }

  expect_failures = [var.lambda_runtime]
}

run "rejects_bad_lambda_architecture" {
  command = plan

  variables {
    lambda_architecture = "arm"
  }

  expect_failures = [var.lambda_architecture]
}

run "rejects_bad_lambda_memory_size" {
  command = plan

  variables {
    lambda_memory_size = 64
  }

  expect_failures = [var.lambda_memory_size]
}

run "rejects_bad_lambda_timeout" {
  command = plan

  variables {
    lambda_timeout = 3
  }

  expect_failures = [var.lambda_timeout]
}

run "rejects_bad_lambda_reserved_concurrent_executions" {
  command = plan

  variables {
    lambda_reserved_concurrent_executions = 0
  }

  expect_failures = [var.lambda_reserved_concurrent_executions]
}

run "rejects_bad_lambda_tracing_mode" {
  command = plan

  variables {
    lambda_tracing_mode = "active"
  }

  expect_failures = [var.lambda_tracing_mode]
}

run "rejects_bad_lambda_log_retention_days" {
  command = plan

  variables {
    lambda_log_retention_days = 10
  }

  expect_failures = [var.lambda_log_retention_days]
}

run "rejects_bad_lambda_log_kms_key_arn" {
  command = plan

  variables {
    lambda_log_kms_key_arn = "key-id"
  }

  expect_failures = [var.lambda_log_kms_key_arn]
}

run "rejects_bad_iam_role_path" {
  command = plan

  variables {
    iam_role_path = "security"
  }

  expect_failures = [var.iam_role_path]
}

run "rejects_bad_escalation_sns_topic_arn" {
  command = plan

  variables {
    escalation_sns_topic_arn = "arn:aws:sns:us-east-1:123456789012:on-call.fifo"
  }

  expect_failures = [var.escalation_sns_topic_arn]
}

run "rejects_escalation_after_minutes_past_sqs_longest_delay" {
  command = plan

  variables {
    escalation_after_minutes = 30
  }

  expect_failures = [var.escalation_after_minutes]
}

run "rejects_bad_escalation_sns_topic_kms_key_arn" {
  command = plan

  variables {
    escalation_sns_topic_kms_key_arn = "alias/on-call"
  }

  expect_failures = [var.escalation_sns_topic_kms_key_arn]
}

run "rejects_bad_alarm_sns_topic_arn" {
  command = plan

  variables {
    alarm_sns_topic_arn = "security-alerts"
  }

  expect_failures = [var.alarm_sns_topic_arn]
}

run "rejects_bad_alarm_sns_topic_kms_key_arn" {
  command = plan

  variables {
    alarm_sns_topic_kms_key_arn = "key-id"
  }

  expect_failures = [var.alarm_sns_topic_kms_key_arn]
}

run "rejects_bad_alarm_email_addresses" {
  command = plan

  variables {
    alarm_email_addresses = ["not-an-address"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "rejects_bad_queue_kms_key_arn" {
  command = plan

  variables {
    queue_kms_key_arn = "key-id"
  }

  expect_failures = [var.queue_kms_key_arn]
}

run "rejects_bad_forwarder_role_arn" {
  command = plan

  variables {
    forwarder_role_arn = "event-forwarder"
  }

  expect_failures = [var.forwarder_role_arn]
}

run "rejects_bad_queue_batching_window" {
  command = plan

  variables {
    queue_batching_window = 0
  }

  expect_failures = [var.queue_batching_window]
}

run "rejects_bad_read_only_queue_batching_window" {
  command = plan

  variables {
    read_only_queue_batching_window = 301
  }

  expect_failures = [var.read_only_queue_batching_window]
}

run "rejects_bad_queue_maximum_concurrency" {
  command = plan

  variables {
    queue_maximum_concurrency = 1
  }

  expect_failures = [var.queue_maximum_concurrency]
}

run "rejects_bad_queue_max_receive_count" {
  command = plan

  variables {
    queue_max_receive_count = 0
  }

  expect_failures = [var.queue_max_receive_count]
}
