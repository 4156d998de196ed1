# scope = "organization": the hub bus, its policy, the StackSet and the template it deploys, the
# hub's own activity, and labels, against a mocked AWS provider and organization.

mock_provider "aws" {
  source = "./tests/mocks"
  mock_data "aws_organizations_organization" {
    defaults = {
      id                = "o-a1b2c3d4e5"
      master_account_id = "123456789012"
      roots             = [{ id = "r-ab12", arn = "arn:aws:organizations::123456789012:root/o-a1b2c3d4e5/r-ab12", name = "Root", policy_types = [] }]
      accounts = [
        { id = "123456789012", arn = "arn:aws:organizations::123456789012:account/o-a1b2c3d4e5/123456789012", email = "management@example.com", name = "management", status = "ACTIVE", joined_method = "CREATED", joined_timestamp = "2024-01-01T00:00:00Z", state = "ACTIVE" },
        { id = "111122223333", arn = "arn:aws:organizations::123456789012:account/o-a1b2c3d4e5/111122223333", email = "dev@example.com", name = "workloads-dev", status = "ACTIVE", joined_method = "INVITED", joined_timestamp = "2024-01-01T00:00:00Z", state = "ACTIVE" },
      ]
    }
  }
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
  scope                 = "organization"
  slack_webhook_url     = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX"
  alarm_email_addresses = ["secops@example.com"]
}

run "hub_bus_takes_events_from_the_organization_only" {
  command = apply

  assert {
    condition     = output.home_event_bus_arn == aws_cloudwatch_event_bus.hub[0].arn && aws_cloudwatch_event_bus.hub[0].name == "root-activity-notifier-hub"
    error_message = "The notifier's rules must listen on a hub bus of their own."
  }
  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.root_activity : rule.event_bus_name == aws_cloudwatch_event_bus.hub[0].name]) && alltrue([for target in aws_cloudwatch_event_target.queue : target.event_bus_name == aws_cloudwatch_event_bus.hub[0].name])
    error_message = "Every rule and target must be on the hub bus."
  }
  assert {
    condition = jsonencode([for statement in data.aws_iam_policy_document.hub[0].statement : {
      actions    = sort(tolist(statement.actions))
      resources  = sort(tolist(statement.resources))
      principals = [for principal in statement.principals : { type = principal.type, identifiers = sort(tolist(principal.identifiers)) }]
      conditions = [for condition in statement.condition : { test = condition.test, variable = condition.variable, values = sort(tolist(condition.values)) }]
      }]) == jsonencode([{
      actions    = ["events:PutEvents"]
      resources  = [aws_cloudwatch_event_bus.hub[0].arn]
      principals = [{ type = "AWS", identifiers = ["*"] }]
      conditions = [{ test = "StringEquals", variable = "aws:PrincipalOrgID", values = ["o-a1b2c3d4e5"] }]
    }])
    error_message = "Only principals of the organization may put events on the hub bus."
  }
  assert {
    condition     = aws_cloudwatch_event_bus_policy.hub[0].event_bus_name == aws_cloudwatch_event_bus.hub[0].name
    error_message = "The policy must be the hub bus's, never the default bus's."
  }
}

run "stack_set_reaches_every_member_account_and_region" {
  command = apply

  assert {
    condition = (
      aws_cloudformation_stack_set.spokes[0].permission_model == "SERVICE_MANAGED"
      && aws_cloudformation_stack_set.spokes[0].call_as == "SELF"
      && one(aws_cloudformation_stack_set.spokes[0].auto_deployment).enabled
      && !one(aws_cloudformation_stack_set.spokes[0].auto_deployment).retain_stacks_on_account_removal
      && one(aws_cloudformation_stack_set.spokes[0].managed_execution).active
      && aws_cloudformation_stack_set.spokes[0].capabilities == toset(["CAPABILITY_NAMED_IAM"])
    )
    error_message = "The StackSet must be service-managed, deploy automatically to new accounts and queue its operations."
  }
  assert {
    condition     = aws_cloudformation_stack_instances.spokes[0].deployment_targets[0].organizational_unit_ids == toset(["r-ab12"])
    error_message = "By default the spokes must reach the organization root, every member account."
  }
  assert {
    condition     = length(aws_cloudformation_stack_instances.spokes[0].regions) == 17 && aws_cloudformation_stack_instances.spokes[0].operation_preferences[0].region_order[0] == "us-east-1"
    error_message = "The spokes must cover the 17 default regions, us-east-1 (where the role is made) first."
  }
}

run "template_has_the_hub_rules_pattern_and_state_and_targets_the_hub" {
  command = apply

  variables {
    event_rule_excluded_event_names = ["GetCallerIdentity"]
  }

  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.RootActivityRule.Properties.EventPattern == jsondecode(output.event_pattern)
    error_message = "The spoke rule must use the same pattern as the forwarders (one definition of root activity)."
  }
  assert {
    condition     = jsondecode(output.event_pattern)["$or"][0].detail.eventName == [{ "anything-but" = ["GetCallerIdentity"] }] && jsondecode(output.event_pattern)["$or"][1].detail.eventName == ["AssumeRoot"]
    error_message = "The pattern must be root activity (with its exclusions) or an sts:AssumeRoot call."
  }
  assert {
    condition     = alltrue([for pattern in concat([output.event_pattern, jsonencode(jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.RootActivityRule.Properties.EventPattern)], [for rule in aws_cloudwatch_event_rule.root_activity : rule.event_pattern], [for forwarder in concat(module.us_east_1_forwarder, module.home_region_forwarder) : forwarder.event_pattern]) : alltrue([for branch in try(jsondecode(pattern)["$or"], [jsondecode(pattern)]) : branch.source == [{ prefix = "aws." }]])])
    error_message = "Every pattern (hub rules, AssumeRoot, spokes, the hub's own forwarders) must take only events whose source AWS reserves (prefix \"aws.\")."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.RootActivityRule.Properties.State == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    error_message = "The spoke rule must receive read-only calls, as the hub's rules do."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.RootActivityRule.Properties.EventBusName == "default"
    error_message = "The spoke rule must listen where CloudTrail puts the member's events: its default bus."
  }
  assert {
    condition = jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.RootActivityRule.Properties.Targets == [{
      Id          = "hub-event-bus"
      Arn         = aws_cloudwatch_event_bus.hub[0].arn
      RoleArn     = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:role/root-activity-notifier-spoke" }
      RetryPolicy = { MaximumRetryAttempts = 185, MaximumEventAgeInSeconds = 86400 }
    }]
    error_message = "The spoke rule must send straight to the hub bus through the spoke role, with retries."
  }
  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HubForwardingRole.Condition == "CreatesRole"
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Conditions.CreatesRole == { "Fn::Equals" = [{ Ref = "AWS::Region" }, "us-east-1"] }
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HubForwardingRole.Properties.RoleName == "root-activity-notifier-spoke"
    )
    error_message = "The spoke role must be created once per account (IAM is global): in us-east-1 only."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HubForwardingRole.Properties.Policies[0].PolicyDocument.Statement == [{ Sid = "PutOnHubBusOnly", Effect = "Allow", Action = "events:PutEvents", Resource = aws_cloudwatch_event_bus.hub[0].arn }]
    error_message = "The spoke role may only put events on the hub bus."
  }
  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HubForwardingRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal == { Service = "events.amazonaws.com" }
    error_message = "Only EventBridge may assume the spoke role."
  }
  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HealthCheckRole.Condition == "CreatesRole"
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HealthCheckRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal == { AWS = "arn:aws:iam::123456789012:root" }
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.HealthCheckRole.Properties.Policies[0].PolicyDocument.Statement[0].Action == "events:DescribeRule"
      && output.health_check_input.checks.spokes.role_arn == "arn:aws:iam::{account}:role/root-activity-notifier-spoke-health-check"
      && [for rule in output.health_check_input.checks.spokes.rules : rule.name] == ["root-activity-notifier-spoke", "root-activity-notifier-spoke-tamper-access", "root-activity-notifier-spoke-tamper-delivery", "root-activity-notifier-spoke-tamper-rules", "root-activity-notifier-spoke-tamper-path"]
      && [for rule in output.health_check_input.checks.spokes.rules : rule.region if rule.region != null] == ["us-east-1"]
      && one([for statement in data.aws_iam_policy_document.health_check.statement : statement.resources if statement.sid == "ReadSpokeRulesInMembers"]) == toset(["arn:aws:iam::*:role/root-activity-notifier-spoke-health-check"])
    )
    error_message = "The hub's health check reads each member's spoke rules through a role that may describe them only, trusted by the hub account."
  }
}

run "assume_root_calls_take_the_fast_path" {
  command = apply

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.root_activity["assume-root"].event_pattern) == { source = [{ prefix = "aws." }], "detail-type" = ["AWS API Call via CloudTrail"], detail = { eventSource = ["sts.amazonaws.com"], eventName = ["AssumeRoot"] } }
    error_message = "sts:AssumeRoot calls must have a rule on the hub bus."
  }
  assert {
    condition     = aws_cloudwatch_event_target.queue["assume-root"].arn == module.queue["sign-ins-and-changes"].arn && length(module.queue) == 2
    error_message = "sts:AssumeRoot calls must take the sign-ins-and-changes queue, and add no queue."
  }
  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables.NOTIFIER_ANNOUNCE_ASSUME_ROOT == "true"
    error_message = "The function must be told to announce sts:AssumeRoot calls."
  }
}

run "assume_root_announcement_switched_off" {
  command = apply

  variables {
    event_rule_include_assume_root = false
  }

  assert {
    condition     = !contains(keys(aws_cloudwatch_event_rule.root_activity), "assume-root") && !can(jsondecode(output.event_pattern)["$or"]) && !contains(keys(aws_lambda_function.notifier.environment[0].variables), "NOTIFIER_ANNOUNCE_ASSUME_ROOT")
    error_message = "With the switch off, nothing may announce sts:AssumeRoot calls."
  }
}

run "management_account_hub_forwards_its_own_activity" {
  command = apply

  assert {
    condition     = length(module.home_region_forwarder) == 1 && length(module.us_east_1_forwarder) == 1
    error_message = "A management account hub (which StackSets skip) must forward its own home region and us-east-1."
  }
  assert {
    condition     = output.forwarder_settings.event_bus_arn == aws_cloudwatch_event_bus.hub[0].arn
    error_message = "The hub's own forwarders must send to the hub bus."
  }
  assert {
    condition     = jsonencode(output.forwarder_settings.forwarded_regions) == jsonencode(["us-east-1", local.region])
    error_message = "forwarder_settings must name the regions the hub forwards itself, so that a second forwarder there is refused."
  }
  assert {
    condition     = aws_cloudtrail.this[0].is_organization_trail && contains(one([for statement in data.aws_iam_policy_document.trail_bucket[0].statement : statement if statement.sid == "CloudTrailWrite"]).resources, "${aws_s3_bucket.trail[0].arn}/AWSLogs/o-a1b2c3d4e5/*")
    error_message = "The trail must be an organization trail, allowed to write every member account's logs."
  }
}

run "delegated_administrator_hub_is_a_member_like_any_other" {
  command = plan

  override_data {
    target = data.aws_organizations_organization.this[0]
    values = { id = "o-a1b2c3d4e5", master_account_id = "999988887777", roots = [] }
  }

  variables {
    create_trail                      = false
    trail_arn_to_watch                = "arn:aws:cloudtrail:us-east-1:999988887777:trail/organization-trail"
    stack_set_call_as                 = "DELEGATED_ADMIN"
    stack_set_organizational_unit_ids = ["ou-ab12-cd34ef56"]
  }

  assert {
    condition     = length(module.home_region_forwarder) + length(module.us_east_1_forwarder) == 0
    error_message = "A delegated administrator hub is a member account: the StackSet covers it, its own forwarders would deliver twice."
  }
  assert {
    condition     = length(output.forwarder_settings.forwarded_regions) == 0
    error_message = "A hub without forwarders of its own must refuse no region to other forwarders."
  }
  assert {
    condition     = aws_cloudformation_stack_set.spokes[0].call_as == "DELEGATED_ADMIN" && aws_cloudformation_stack_instances.spokes[0].call_as == "DELEGATED_ADMIN"
    error_message = "A delegated administrator must call StackSets as one."
  }
}

run "delegated_administrator_hub_needs_the_ous_named" {
  command = plan

  override_data {
    target = data.aws_organizations_organization.this[0]
    values = { id = "o-a1b2c3d4e5", master_account_id = "999988887777", roots = [] }
  }

  variables {
    create_trail       = false
    trail_arn_to_watch = "arn:aws:cloudtrail:us-east-1:999988887777:trail/organization-trail"
  }

  expect_failures = [aws_cloudformation_stack_set.spokes]
}

run "organization_trail_only_from_the_management_account" {
  command = plan

  override_data {
    target = data.aws_organizations_organization.this[0]
    values = { id = "o-a1b2c3d4e5", master_account_id = "999988887777", roots = [] }
  }

  variables {
    stack_set_organizational_unit_ids = ["ou-ab12-cd34ef56"]
  }

  expect_failures = [aws_cloudtrail.this]
}

run "member_accounts_are_labelled" {
  command = apply

  variables {
    account_label  = "security-hub"
    account_labels = { "111122223333" = "production" }
  }

  assert {
    condition     = jsondecode(aws_lambda_function.notifier.environment[0].variables.NOTIFIER_ACCOUNT_LABELS) == { "123456789012" = "security-hub", "111122223333" = "production" }
    error_message = "account_label must name the hub account only, next to the member accounts' labels."
  }
  assert {
    condition     = aws_lambda_function.notifier.environment[0].variables.NOTIFIER_ACCOUNT_LABEL == ""
    error_message = "In an organization, account_label must not name every account."
  }
}

# README: "Lambda's 4 KB environment limit holds about 130 labels of ten characters".
run "one_hundred_thirty_labels_of_ten_characters_fit" {
  command = plan

  variables {
    account_labels = { for index in range(130) : format("1111%08d", index) => format("label-%04d", index) }
  }

  assert {
    condition     = length(jsondecode(aws_lambda_function.notifier.environment[0].variables.NOTIFIER_ACCOUNT_LABELS)) == 130
    error_message = "130 labels of ten characters must fit in the function's environment."
  }
}

run "too_many_labels_for_the_function_environment" {
  command = plan

  variables {
    account_labels = { for index in range(200) : format("1111%08d", index) => "a-rather-long-account-label-${index}" }
  }

  expect_failures = [aws_lambda_function.notifier]
}

run "stack_set_regions_must_include_us_east_1" {
  command = plan

  variables {
    stack_set_regions = ["eu-west-1"]
  }

  expect_failures = [var.stack_set_regions]
}

run "stack_set_targets_must_be_root_or_ou_ids" {
  command = plan

  variables {
    stack_set_organizational_unit_ids = ["123456789012"]
  }

  expect_failures = [var.stack_set_organizational_unit_ids]
}

run "account_labels_keyed_by_account_id" {
  command = plan

  variables {
    account_labels = { "production" = "111122223333" }
  }

  expect_failures = [var.account_labels]
}

run "warns_when_assume_root_calls_may_never_arrive" {
  command = plan

  variables {
    event_rule_include_read_only_events = false
  }

  expect_failures = [check.assume_root_calls_reach_the_hub]
}

run "tamper_rules_on_the_hub_bus_and_in_every_spoke" {
  command = apply

  assert {
    condition     = alltrue([for rule in aws_cloudwatch_event_rule.tamper : rule.event_bus_name == aws_cloudwatch_event_bus.hub[0].name]) && local.tamper_event_rule_arns[0] == "arn:aws:events:ap-northeast-1:123456789012:rule/root-activity-notifier-hub/root-activity-notifier-tamper-rules"
    error_message = "The tamper rules listen on the hub bus, and their ARNs (in the queue policies) name it."
  }
  assert {
    condition = jsonencode({ for id, resource in jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources : id => resource.Properties.Name if resource.Type == "AWS::Events::Rule" }) == jsonencode({
      RootActivityRule   = "root-activity-notifier-spoke"
      TamperAccessRule   = "root-activity-notifier-spoke-tamper-access"
      TamperDeliveryRule = "root-activity-notifier-spoke-tamper-delivery"
      TamperPathRule     = "root-activity-notifier-spoke-tamper-path"
      TamperRulesRule    = "root-activity-notifier-spoke-tamper-rules"
    })
    error_message = "Every spoke carries the three tamper rules beside its root activity rule."
  }
  assert {
    condition     = alltrue([for id in ["TamperAccessRule", "TamperDeliveryRule", "TamperRulesRule"] : jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources[id].Properties.State == "ENABLED" && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources[id].Properties.Targets[0].Arn == aws_cloudwatch_event_bus.hub[0].arn])
    error_message = "The spokes' tamper rules send write calls to the hub bus."
  }
  assert {
    condition     = jsonencode(jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperAccessRule.Properties.EventPattern) == aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern
    error_message = "A spoke's tamper rule has the hub's pattern (one definition)."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern).detail["$or"], { eventSource = ["organizations.amazonaws.com"], eventName = ["LeaveOrganization", "RemoveAccountFromOrganization"] }) && strcontains(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern, "DeactivateOrganizationsAccess") && strcontains(aws_cloudwatch_event_rule.tamper["tamper-access"].event_pattern, "member.org.stacksets.cloudformation.amazonaws.com")
    error_message = "Leaving the organization and turning off StackSets' trusted access are watched."
  }
}

run "a_members_path_cutting_calls_also_reach_the_hubs_us_east_1_alarm_topic" {
  command = apply

  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRule.Condition == "CreatesRole"
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRule.Properties.Targets[0].Arn == module.us_east_1_forwarder[0].alarm_sns_topic_arn
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRule.Properties.Targets[0].RoleArn == { "Fn::GetAtt" = ["TamperPathRole", "Arn"] }
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRole.Properties.Policies[0].PolicyDocument.Statement[0].Resource == module.us_east_1_forwarder[0].alarm_sns_topic_arn
      && length(jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRole.Properties.Policies[0].PolicyDocument.Statement) == 1
      && jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRule.Properties.Targets[0].InputTransformer.InputTemplate == module.failure_handling.direct_alarm_input.template
    )
    error_message = "Each member's us-east-1 stack sends path-cutting calls to the hub's us-east-1 alarm topic (EventBridge reaches another account's topic in its own region only) through a role of its own, with the hub's sentence."
  }
  assert {
    condition = (
      jsonencode(jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRule.Properties.EventPattern) == local.tamper_path_event_pattern
      && contains(jsondecode(local.tamper_path_event_pattern).detail["$or"], { eventSource = ["organizations.amazonaws.com"], eventName = ["LeaveOrganization"] })
    )
    error_message = "A member's tamper path has the hub's pattern, with leaving the organization."
  }
  assert {
    condition     = jsonencode(local.spoke_tamper_path_publishers) == jsonencode({ account_ids = ["111122223333", "123456789012"], organization_id = "o-a1b2c3d4e5", role_arn_pattern = "arn:aws:iam::*:role/root-activity-notifier-spoke-tamper-path" })
    error_message = "The us-east-1 alarm topic lets the members' tamper-path role publish, in the organization and, for its accounts now, after leaving it."
  }
}

run "no_member_tamper_path_to_a_topic_the_module_does_not_own" {
  command = plan

  variables {
    forwarder_alarm_sns_topic_arns = { "us-east-1" = "arn:aws:sns:us-east-1:123456789012:security-alarms" }
  }

  assert {
    condition     = !contains(keys(jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources), "TamperPathRule") && local.spoke_tamper_path_publishers == null
    error_message = "Only a topic the module creates gets the policy a member's publish needs."
  }
}

run "a_us_east_1_hubs_encrypted_topic_lets_the_members_role_use_its_key" {
  command = apply

  override_data {
    target = data.aws_cloudwatch_event_bus.default
    values = { arn = "arn:aws:events:us-east-1:123456789012:event-bus/default" }
  }
  override_data {
    target = data.aws_arn.default_bus
    values = { partition = "aws", region = "us-east-1", account = "123456789012" }
  }

  variables {
    alarm_sns_topic_kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRule.Properties.Targets[0].Arn == module.failure_handling.alarm_sns_topic_arn
      && jsonencode(jsondecode(aws_cloudformation_stack_set.spokes[0].template_body).Resources.TamperPathRole.Properties.Policies[0].PolicyDocument.Statement[1]) == jsonencode({ Action = ["kms:GenerateDataKey*", "kms:Decrypt"], Effect = "Allow", Resource = var.alarm_sns_topic_kms_key_arn, Sid = "UseHubAlarmTopicKey" })
    )
    error_message = "In a us-east-1 hub, members publish to the home topic, and may use the key it is encrypted with."
  }
}
