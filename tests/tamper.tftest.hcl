# Tamper alerts: the rules that announce changes to the notifier's own resources, on the home bus,
# in the forwarders and in the spokes, against a mocked AWS provider.

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

run "three_rules_watch_the_notifier_and_each_other" {
  command = apply

  assert {
    condition     = jsonencode(sort(keys(aws_cloudwatch_event_rule.tamper))) == jsonencode(["tamper-access", "tamper-delivery", "tamper-rules"]) && alltrue([for name, rule in aws_cloudwatch_event_rule.tamper : rule.name == "root-activity-notifier-${name}" && rule.state == "ENABLED" && rule.event_bus_name == "default"])
    error_message = "Three tamper rules on the home bus, in the plain ENABLED state (write calls only)."
  }
  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.tamper : jsondecode(rule.event_pattern).source == [{ prefix = "aws." }] && jsondecode(rule.event_pattern)["detail-type"] == ["AWS API Call via CloudTrail"] && length(rule.event_pattern) <= 2048])
    error_message = "Each tamper pattern takes only AWS's API calls, within EventBridge's quota."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.tamper["tamper-rules"].event_pattern).detail["$or"] == [for parameter in ["name", "rule", "eventBusName"] : { requestParameters = { (parameter) = [{ wildcard = "*root-activity-notifier*" }] } }]
    error_message = "tamper-rules must watch every rule (and the bus) named by the prefix."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-delivery"].event_pattern).detail["$or"], { eventSource = ["events.amazonaws.com"], eventName = ["DisableRule", "DeleteRule", "PutRule", "RemoveTargets", "PutTargets", "DeleteEventBus", "PutPermission", "RemovePermission"], requestParameters = { name = [{ wildcard = "root-activity-notifier*-tamper-rules" }] } })
    error_message = "tamper-delivery must watch tamper-rules, wherever it runs, so that deleting it is announced."
  }
  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-delivery"].event_pattern).detail["$or"], {
      eventSource       = ["lambda.amazonaws.com"]
      eventName         = [{ prefix = "UpdateEventSourceMapping" }, { prefix = "DeleteEventSourceMapping" }]
      requestParameters = { uUID = [for mapping in aws_lambda_event_source_mapping.queue : mapping.uuid] }
    })
    error_message = "The event source mappings are watched by their UUIDs."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-delivery"].event_pattern).detail["$or"], { eventSource = ["cloudtrail.amazonaws.com"], eventName = ["StopLogging", "DeleteTrail", "UpdateTrail"], requestParameters = { name = [{ wildcard = "*root-activity-notifier*" }] } })
    error_message = "The module's trail must be watched."
  }
  assert {
    condition     = !strcontains(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern, "LeaveOrganization")
    error_message = "Organization calls are watched with scope \"organization\" only."
  }
  assert {
    condition     = alltrue([for name, target in aws_cloudwatch_event_target.tamper : target.arn == module.queue["sign-ins-and-changes"].arn && target.dead_letter_config[0].arn == module.failure_handling.dead_letter_queue_arn && target.input_transformer[0].input_template == "{\"tamper_rule\": \"root-activity-notifier-${name}\", \"event\": <aws.events.event.json>}"])
    error_message = "Each tamper rule puts the event on the fast queue marked with its own name, with the dead-letter queue."
  }
  assert {
    condition     = local.tamper_event_rule_arns == [for name in ["tamper-rules", "tamper-delivery", "tamper-access"] : "arn:aws:events:ap-northeast-1:123456789012:rule/root-activity-notifier-${name}"]
    error_message = "The queue and dead-letter queue policies name the tamper rules by these ARNs: they must be the rules' own."
  }
  assert {
    condition     = module.us_east_1_forwarder[0].tamper_event_rule_arns != null && length(module.us_east_1_forwarder[0].tamper_event_rule_arns) == 3
    error_message = "The us-east-1 forwarder must carry the tamper rules: IAM calls are recorded there."
  }
  assert {
    condition     = module.failure_handling.direct_alarm_rule_arn == "arn:aws:events:ap-northeast-1:123456789012:rule/root-activity-notifier-tamper-path"
    error_message = "Calls that cut the alert path go from the home region's default bus straight to the alarm topic (tests/failure_handling.tftest.hcl)."
  }
  assert {
    condition = (
      contains(jsondecode(local.tamper_path_event_pattern).detail["$or"], { eventSource = ["lambda.amazonaws.com"], eventName = [{ prefix = "UpdateEventSourceMapping" }, { prefix = "DeleteEventSourceMapping" }], requestParameters = { uUID = [for mapping in aws_lambda_event_source_mapping.queue : mapping.uuid] } })
      && strcontains(local.tamper_path_event_pattern, "PutFunctionConcurrency") && strcontains(local.tamper_path_event_pattern, "DeleteEventBus") && strcontains(local.tamper_path_event_pattern, "DeleteRolePolicy")
      && module.us_east_1_forwarder[0].direct_alarm_rule_arn != null
    )
    error_message = "The path-cutting calls are the function's, the mappings', the queues', the buses' and the roles' (IAM: in the us-east-1 forwarder, to its own alarm topic)."
  }
}

run "switched_off" {
  command = plan

  variables {
    create_tamper_alerts = false
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.tamper) == 0 && length(local.tamper_event_rule_arns) == 0 && length(output.forwarder_settings.tamper_event_patterns) == 0
    error_message = "With create_tamper_alerts = false, no tamper rule anywhere."
  }
}

run "an_existing_trail_watched_by_its_arn_and_name" {
  command = apply

  variables {
    create_trail       = false
    trail_arn_to_watch = "arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail"
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-delivery"].event_pattern).detail["$or"], { eventSource = ["cloudtrail.amazonaws.com"], eventName = ["StopLogging", "DeleteTrail", "UpdateTrail"], requestParameters = { name = ["arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail", "organization-trail"] } })
    error_message = "A trail the user names is watched by its ARN and its name."
  }
}

run "no_trail_watched_when_none_is_known" {
  command = apply

  variables {
    create_trail = false
  }

  # A warning, not an error: the plan goes on.
  expect_failures = [check.a_trail_is_watched]

  assert {
    condition     = !strcontains(aws_cloudwatch_event_rule.tamper["tamper-delivery"].event_pattern, "cloudtrail.amazonaws.com")
    error_message = "Without the module's trail or trail_arn_to_watch, no trail calls are watched."
  }
}

run "refuses_a_trail_to_watch_beside_the_modules_own_trail" {
  command = plan

  variables {
    trail_arn_to_watch = "arn:aws:cloudtrail:us-east-1:123456789012:trail/organization-trail"
  }

  expect_failures = [aws_cloudtrail.this]
}

run "an_existing_parameter_and_topic_are_watched_by_name" {
  command = apply

  variables {
    slack_webhook_url                = null
    slack_webhook_ssm_parameter_name = "team/slack/root-alerts"
    alarm_sns_topic_arn              = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["ssm.amazonaws.com"], eventName = ["PutParameter", "DeleteParameter"], requestParameters = { name = [{ wildcard = "*root-activity-notifier*" }, "team/slack/root-alerts", "/team/slack/root-alerts"] } })
    error_message = "A parameter outside the prefix is watched by its name, with and without the leading slash."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["sns.amazonaws.com"], eventName = ["Unsubscribe"], requestParameters = { subscriptionArn = [{ wildcard = "*root-activity-notifier*" }, { prefix = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts:" }] } })
    error_message = "Unsubscribing from a given topic is watched."
  }
}

run "the_on_call_topic_and_its_subscriptions_are_watched" {
  command = apply

  variables {
    escalation_sns_topic_arn = "arn:aws:sns:us-west-2:123456789012:on-call"
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["sns.amazonaws.com"], eventName = ["DeleteTopic", "SetTopicAttributes"], requestParameters = { topicArn = [{ wildcard = "*root-activity-notifier*" }, "arn:aws:sns:us-west-2:123456789012:on-call"] } })
    error_message = "Deleting or changing the on-call topic is watched."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["sns.amazonaws.com"], eventName = ["Unsubscribe"], requestParameters = { subscriptionArn = [{ wildcard = "*root-activity-notifier*" }, { prefix = "arn:aws:sns:us-west-2:123456789012:on-call:" }] } })
    error_message = "Unsubscribing the paging tool from the on-call topic is watched."
  }
}

run "the_interactivity_endpoint_its_url_and_its_secret_are_watched" {
  command = apply

  variables {
    slack_webhook_url                       = null
    slack_bot_token                         = "xoxb-1234567890-abcdefghijklmnop"
    slack_channel_id                        = "C0SECURITY1"
    slack_interactivity                     = true
    slack_signing_secret_ssm_parameter_name = "team/slack/signing-secret"
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-delivery"].event_pattern).detail["$or"], { eventSource = ["lambda.amazonaws.com"], eventName = [for call in ["UpdateFunctionCode", "UpdateFunctionConfiguration", "PutFunctionConcurrency", "DeleteFunction", "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig", "DeleteFunctionUrlConfig", "AddPermission", "RemovePermission"] : { prefix = call }], requestParameters = { functionName = [{ wildcard = "*root-activity-notifier*" }] } })
    error_message = "Changing the endpoint's function, its URL or who may invoke it is watched (its name has the prefix)."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["ssm.amazonaws.com"], eventName = ["PutParameter", "DeleteParameter"], requestParameters = { name = [{ wildcard = "*root-activity-notifier*" }, "team/slack/signing-secret", "/team/slack/signing-secret"] } })
    error_message = "A signing secret's parameter outside the prefix is watched by its name."
  }
}

run "expected_principals_reach_the_function" {
  command = plan

  variables {
    tamper_expected_principals = { "arn:aws:iam::123456789012:role/ci-deployer" = "deployer role" }
  }

  assert {
    condition     = jsondecode(aws_lambda_function.notifier.environment[0].variables.NOTIFIER_EXPECTED_PRINCIPALS) == { "arn:aws:iam::123456789012:role/ci-deployer" = "deployer role" }
    error_message = "The function must know which principals are expected."
  }
}

run "rejects_expected_principals_that_are_not_role_or_user_arns" {
  command = plan

  variables {
    tamper_expected_principals = { "ci-deployer" = "deployer role" }
  }

  expect_failures = [var.tamper_expected_principals]
}

run "rejects_a_trail_arn_to_watch_that_is_not_one" {
  command = plan

  variables {
    create_trail       = false
    trail_arn_to_watch = "organization-trail"
  }

  expect_failures = [var.trail_arn_to_watch]
}

run "slack_app_mode_watches_the_session_table" {
  command = plan

  variables {
    slack_webhook_url                  = null
    slack_bot_token_ssm_parameter_name = "/team/slack/root-alerts-bot"
    slack_channel_id                   = "C0DEFAULT01"
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["dynamodb.amazonaws.com"], eventName = ["DeleteTable", "UpdateTable", "UpdateTimeToLive"], requestParameters = { tableName = [{ wildcard = "*root-activity-notifier*" }] } })
    error_message = "Deleting or changing the session table must be announced in Slack app mode."
  }
}

run "a_webhook_session_table_is_watched_too" {
  command = plan

  assert {
    condition     = strcontains(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern, "dynamodb")
    error_message = "A webhook's session table (its digests, the shared pace) is watched like the rest."
  }
}
