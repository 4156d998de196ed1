# Every variable validation rejects its bad input: one run per validation.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  slack_webhook_url = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
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

run "rejects_bad_message_time_zone" {
  command = plan

  variables {
    message_time_zone = "Tokyo time"
  }

  expect_failures = [var.message_time_zone]
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

run "rejects_bad_lambda_maximum_retry_attempts" {
  command = plan

  variables {
    lambda_maximum_retry_attempts = 3
  }

  expect_failures = [var.lambda_maximum_retry_attempts]
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

run "rejects_bad_lambda_role_path" {
  command = plan

  variables {
    lambda_role_path = "security"
  }

  expect_failures = [var.lambda_role_path]
}

run "rejects_bad_alarm_sns_topic_arn" {
  command = plan

  variables {
    alarm_sns_topic_arn = "security-alerts"
  }

  expect_failures = [var.alarm_sns_topic_arn]
}

run "rejects_bad_alarm_topic_kms_key_arn" {
  command = plan

  variables {
    alarm_topic_kms_key_arn = "key-id"
  }

  expect_failures = [var.alarm_topic_kms_key_arn]
}

run "rejects_bad_alarm_email_addresses" {
  command = plan

  variables {
    alarm_email_addresses = ["not-an-address"]
  }

  expect_failures = [var.alarm_email_addresses]
}

run "rejects_bad_dead_letter_queue_kms_key_arn" {
  command = plan

  variables {
    dead_letter_queue_kms_key_arn = "key-id"
  }

  expect_failures = [var.dead_letter_queue_kms_key_arn]
}

run "rejects_bad_forwarder_role_arn" {
  command = plan

  variables {
    forwarder_role_arn = "event-forwarder"
  }

  expect_failures = [var.forwarder_role_arn]
}
