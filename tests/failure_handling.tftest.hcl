# modules/failure-handling on its own: the dead-letter queue, its policy, the topic and the alarms.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                                = "notifier"
  partition                           = "aws"
  region                              = "ap-northeast-1"
  account_id                          = "123456789012"
  event_rule_arns                     = ["arn:aws:events:ap-northeast-1:123456789012:rule/notifier", "arn:aws:events:ap-northeast-1:123456789012:rule/notifier-read-only"]
  dead_letter_queue_alarm_description = "Root events wait in notifier-dlq."
  alarms = {
    lambda-errors = {
      description = "The function failed."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = "notifier" }
      statistic   = "Sum"
      period      = 60
    }
  }
  alarm_notification = {
    create_alarms   = true
    email_addresses = ["secops@example.com", "oncall@example.com"]
  }
}

run "queue_policy_alarms_and_topic" {
  command = apply

  module {
    source = "./modules/failure-handling"
  }

  assert {
    condition     = output.dead_letter_queue_name == "notifier-dlq" && output.dead_letter_queue_arn == module.dead_letter_queue.arn
    error_message = "The dead-letter queue is named after the caller."
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.failure) == ["dead-letter-queue", "lambda-errors"] && aws_cloudwatch_metric_alarm.failure["dead-letter-queue"].dimensions["QueueName"] == "notifier-dlq" && aws_cloudwatch_metric_alarm.failure["dead-letter-queue"].alarm_description == "Root events wait in notifier-dlq."
    error_message = "The caller's alarms and the queue's depth alarm must all exist."
  }
  assert {
    condition     = alltrue([for alarm in aws_cloudwatch_metric_alarm.failure : alarm.alarm_actions == toset([aws_sns_topic.alarms[0].arn]) && alarm.ok_actions == toset([aws_sns_topic.alarms[0].arn]) && alarm.threshold == 0])
    error_message = "Every alarm must notify the topic when it fires and when it clears."
  }
  assert {
    condition     = toset([for subscription in aws_sns_topic_subscription.alarm_email : subscription.endpoint]) == toset(var.alarm_notification.email_addresses) && alltrue([for subscription in aws_sns_topic_subscription.alarm_email : subscription.protocol == "email" && subscription.topic_arn == aws_sns_topic.alarms[0].arn])
    error_message = "One e-mail subscription per address, on the module's topic."
  }
}

run "customer_managed_key_for_the_topic" {
  command = plan

  module {
    source = "./modules/failure-handling"
  }

  variables {
    alarm_notification = {
      create_alarms         = true
      sns_topic_kms_key_arn = "arn:aws:kms:ap-northeast-1:123456789012:key/5678abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = aws_sns_topic.alarms[0].kms_master_key_id == var.alarm_notification.sns_topic_kms_key_arn
    error_message = "The topic must be encrypted with the given key."
  }
}

run "existing_topic" {
  command = plan

  module {
    source = "./modules/failure-handling"
  }

  variables {
    alarm_notification = {
      create_alarms   = true
      sns_topic_arn   = "arn:aws:sns:ap-northeast-1:123456789012:security-alerts"
      email_addresses = ["secops@example.com"]
    }
  }

  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && length(aws_sns_topic_subscription.alarm_email) == 0 && aws_cloudwatch_metric_alarm.failure["lambda-errors"].alarm_actions == toset([var.alarm_notification.sns_topic_arn])
    error_message = "An existing topic takes the alarms; the module creates no topic and no subscription."
  }
}

run "alarms_off" {
  command = plan

  module {
    source = "./modules/failure-handling"
  }

  variables {
    alarm_notification = { create_alarms = false, email_addresses = ["secops@example.com"] }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.failure) == 0 && length(aws_sns_topic.alarms) == 0 && length(aws_sns_topic_subscription.alarm_email) == 0 && output.alarm_sns_topic_arn == null
    error_message = "Alarms off: no alarm, no topic, no subscription; the queue stays."
  }
}

run "a_second_path_straight_to_the_alarm_topic" {
  command = apply

  module {
    source = "./modules/failure-handling"
  }

  variables {
    create_direct_alarm        = true
    direct_alarm_event_pattern = "{\"source\":[{\"prefix\":\"aws.\"}],\"detail\":{\"eventName\":[\"DeleteQueue\"]}}"
  }

  assert {
    condition = (
      aws_cloudwatch_event_rule.direct_alarm[0].name == "notifier-tamper-path" && aws_cloudwatch_event_rule.direct_alarm[0].event_bus_name == "default"
      && aws_cloudwatch_event_rule.direct_alarm[0].event_pattern == var.direct_alarm_event_pattern
      && aws_cloudwatch_event_target.direct_alarm[0].arn == aws_sns_topic.alarms[0].arn
      && one(aws_cloudwatch_event_target.direct_alarm[0].dead_letter_config).arn == output.dead_letter_queue_arn
      && strcontains(one(aws_cloudwatch_event_target.direct_alarm[0].input_transformer).input_template, "goes around them, straight to the alarm topic")
      && one(aws_cloudwatch_event_target.direct_alarm[0].input_transformer).input_paths["event"] == "$.detail.eventName"
    )
    error_message = "The rule sends each matching call from the default bus straight to the alarm topic, as text, with the dead-letter queue."
  }
  assert {
    condition = (
      one(one([for statement in data.aws_iam_policy_document.alarm_topic[0].statement : statement.condition if statement.sid == "DirectAlarmRuleOnly"])).values == tolist(["arn:aws:events:ap-northeast-1:123456789012:rule/notifier-tamper-path"])
      && one(one([for statement in data.aws_iam_policy_document.alarm_topic[0].statement : statement.principals if statement.sid == "DirectAlarmRuleOnly"])).identifiers == toset(["events.amazonaws.com"])
      && aws_sns_topic_policy.alarms[0].arn == aws_sns_topic.alarms[0].arn
    )
    error_message = "EventBridge may publish to the topic for that one rule only."
  }
}

run "members_publish_through_their_own_role_in_and_after_the_organization" {
  command = apply

  module {
    source = "./modules/failure-handling"
  }

  variables {
    create_direct_alarm        = true
    direct_alarm_event_pattern = "{\"source\":[{\"prefix\":\"aws.\"}],\"detail\":{\"eventName\":[\"LeaveOrganization\"]}}"
    direct_alarm_member_publishers = {
      role_arn_pattern = "arn:aws:iam::*:role/notifier-spoke-tamper-path"
      organization_id  = "o-a1b2c3d4e5"
      account_ids      = ["111122223333", "444455556666"]
    }
  }

  assert {
    condition = (
      [for statement in data.aws_iam_policy_document.alarm_topic[0].statement : statement.sid] == ["AccountOwner", "DirectAlarmRuleOnly", "MemberTamperPathsAfterLeaving", "MemberTamperPathsInOrganization"]
      && jsonencode({ for statement in data.aws_iam_policy_document.alarm_topic[0].statement : statement.sid => { actions = statement.actions, conditions = { for condition in statement.condition : "${condition.test} ${condition.variable}" => condition.values } } if startswith(statement.sid, "Member") }) == jsonencode({
        MemberTamperPathsAfterLeaving   = { actions = ["sns:Publish"], conditions = { "ArnLike aws:PrincipalArn" = ["arn:aws:iam::*:role/notifier-spoke-tamper-path"], "StringEquals aws:PrincipalAccount" = ["111122223333", "444455556666"] } }
        MemberTamperPathsInOrganization = { actions = ["sns:Publish"], conditions = { "ArnLike aws:PrincipalArn" = ["arn:aws:iam::*:role/notifier-spoke-tamper-path"], "StringEquals aws:PrincipalOrgID" = ["o-a1b2c3d4e5"] } }
      })
    )
    error_message = "Members' tamper-path role may publish while in the organization, and after leaving it for the accounts it had: nothing else."
  }
  assert {
    condition     = output.direct_alarm_input.template == one(aws_cloudwatch_event_target.direct_alarm[0].input_transformer).input_template && jsonencode(output.direct_alarm_input.paths) == jsonencode(one(aws_cloudwatch_event_target.direct_alarm[0].input_transformer).input_paths)
    error_message = "The output is the rule's own input transformer (one sentence for every tamper path)."
  }
}

run "no_member_statement_without_accounts_or_publishers" {
  command = plan

  module {
    source = "./modules/failure-handling"
  }

  variables {
    create_direct_alarm        = true
    direct_alarm_event_pattern = "{}"
    direct_alarm_member_publishers = {
      role_arn_pattern = "arn:aws:iam::*:role/notifier-spoke-tamper-path"
      organization_id  = "o-a1b2c3d4e5"
      account_ids      = []
    }
  }

  assert {
    condition     = [for statement in data.aws_iam_policy_document.alarm_topic[0].statement : statement.sid] == ["AccountOwner", "DirectAlarmRuleOnly", "MemberTamperPathsInOrganization"]
    error_message = "With no account known, members are let in while in the organization only."
  }
}

run "no_second_path_without_alarms" {
  command = plan

  module {
    source = "./modules/failure-handling"
  }

  variables {
    create_direct_alarm        = true
    direct_alarm_event_pattern = "{}"
    alarm_notification         = { create_alarms = false }
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.direct_alarm) == 0 && length(aws_sns_topic_policy.alarms) == 0 && output.direct_alarm_rule_arn == null
    error_message = "Without alarms there is no topic to go to."
  }
}
