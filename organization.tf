# scope = "organization": a hub bus in this account takes root activity from every member account,
# where a StackSet puts one rule per region on the default bus, with the same pattern and state as
# the rules here. CloudTrail puts a member's events on that member's own buses only, and EventBridge
# never forwards an event that came from another account again, so each spoke sends straight here.

# When this fails with "couldn't find resource", the account is in no organization: Terraform shows
# the line below with its error, so that line says what to do.
data "aws_organizations_organization" "this" { # scope = "organization" needs the management account of an organization, or its delegated administrator for StackSets: run there, or set scope = "account".
  count = local.organization ? 1 : 0
}

locals {
  organization_id = try(data.aws_organizations_organization.this[0].id, null)
  # StackSets never deploy to the management account: when it is the hub, the module forwards its
  # own activity as in scope "account" (forwarder.tf); a delegated administrator hub is a member
  # account and gets the spoke rules like any other.
  hub_is_management_account = local.organization && try(data.aws_organizations_organization.this[0].master_account_id, "") == local.account_id
  stack_set_organizational_unit_ids = (
    length(var.stack_set_organizational_unit_ids) > 0 ? var.stack_set_organizational_unit_ids
    : compact([try(data.aws_organizations_organization.this[0].roots[0].id, "")])
  )

  spoke_name                   = "${var.name_prefix}-spoke"
  spoke_health_check_role_name = "${var.name_prefix}-spoke-health-check"
  # IAM is global: the role is created by the us-east-1 stack only (us-east-1 is always deployed),
  # and the rules of every other region name it.
  spoke_role_region = "us-east-1"
  # The member's rules: its root activity, and changes to the notifier's own resources there (its
  # spoke rules and role, its copy of the stack, leaving the organization).
  spoke_rules = merge(
    {
      RootActivityRule = {
        name        = local.spoke_name
        description = "Root user activity, sent to the root activity notifier's hub bus"
        pattern     = local.event_pattern
        state       = local.event_rule_state
      }
    },
    {
      for key, pattern in local.tamper_event_patterns : "${replace(title(replace(key, "-", " ")), " ", "")}Rule" => {
        name        = "${local.spoke_name}-${key}"
        description = "Changes to the root activity notifier's own resources (${key}), sent to its hub bus"
        pattern     = pattern
        state       = local.tamper_event_rule_state
      }
    },
  )
  # A member's calls that cut its spoke's path (its roles changed, leaving the organization) are
  # recorded in us-east-1, and EventBridge reaches another account's topic in the same region only:
  # its us-east-1 stack sends them to the hub's us-east-1 alarm topic, through a role of its own.
  # Only a topic the module creates gets the policy this needs.
  spoke_tamper_path_name = "${local.spoke_name}-tamper-path"
  # The trust of a spoke role that a rule of the member's own account uses (hub forwarding, tamper path).
  spoke_assumed_by_events = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = { Ref = "AWS::AccountId" } } }
    }]
  }
  spoke_tamper_path = local.organization && var.create_tamper_alerts && var.create_alarms && (
    local.region == local.spoke_role_region ? var.alarm_sns_topic_arn == null
    : local.forwards_us_east_1 && !contains(keys(var.forwarder_alarm_sns_topic_arns), local.spoke_role_region)
  )
  spoke_tamper_path_publishers = local.spoke_tamper_path ? {
    role_arn_pattern = "arn:${local.partition}:iam::*:role${var.iam_role_path}${local.spoke_tamper_path_name}"
    organization_id  = local.organization_id
    account_ids      = sort([for account in data.aws_organizations_organization.this[0].accounts : account.id])
  } : null
  spoke_tamper_path_topic_arn = local.region == local.spoke_role_region ? module.failure_handling.alarm_sns_topic_arn : try(module.us_east_1_forwarder[0].alarm_sns_topic_arn, null)
  # The forwarders' topics take no key (a key is regional); the home topic's does, in a us-east-1 hub.
  spoke_tamper_path_topic_key_arn = local.region == local.spoke_role_region ? var.alarm_sns_topic_kms_key_arn : null
  # Filtered with a for, not chosen with a conditional: the two branches differ in shape.
  spoke_tamper_path_resources = { for logical_id, resource in {
    TamperPathRole = {
      Type      = "AWS::IAM::Role"
      Condition = "CreatesRole"
      Properties = {
        RoleName                 = local.spoke_tamper_path_name
        Path                     = var.iam_role_path
        AssumeRolePolicyDocument = local.spoke_assumed_by_events
        Policies = [{
          PolicyName = "publish-to-hub-alarm-topic"
          PolicyDocument = {
            Version = "2012-10-17"
            Statement = concat(
              [{ Sid = "PublishToHubAlarmTopicOnly", Effect = "Allow", Action = "sns:Publish", Resource = local.spoke_tamper_path_topic_arn }],
              # A topic encrypted with a customer managed key (a us-east-1 hub's): its key policy must let this role use it too.
              [for key in compact([local.spoke_tamper_path_topic_key_arn]) : { Sid = "UseHubAlarmTopicKey", Effect = "Allow", Action = ["kms:GenerateDataKey*", "kms:Decrypt"], Resource = key }],
            )
          }
        }]
      }
    }
    TamperPathRule = {
      Type      = "AWS::Events::Rule"
      Condition = "CreatesRole"
      Properties = {
        Name         = local.spoke_tamper_path_name
        Description  = "Changes that would cut this account's path to the root activity notifier's hub, straight to the hub's us-east-1 alarm topic"
        EventBusName = "default"
        EventPattern = jsondecode(coalesce(local.tamper_path_event_pattern, "{}")) # null only when the rule is filtered out
        State        = "ENABLED"
        Targets = [{
          Id      = "hub-alarm-topic"
          Arn     = local.spoke_tamper_path_topic_arn
          RoleArn = { "Fn::GetAtt" = ["TamperPathRole", "Arn"] }
          InputTransformer = {
            InputPathsMap = module.failure_handling.direct_alarm_input.paths
            InputTemplate = module.failure_handling.direct_alarm_input.template
          }
          RetryPolicy = { MaximumRetryAttempts = 185, MaximumEventAgeInSeconds = 86400 }
        }]
      }
    }
  } : logical_id => resource if local.spoke_tamper_path }

  spoke_template = {
    AWSTemplateFormatVersion = "2010-09-09"
    Description              = "Root user activity in this account and region, sent to the root activity notifier's hub bus ${local.home_event_bus_arn}. Managed by Terraform through the StackSet ${var.name_prefix}-spokes."
    Conditions = {
      CreatesRole = { "Fn::Equals" = [{ Ref = "AWS::Region" }, local.spoke_role_region] }
    }
    Resources = merge(local.spoke_tamper_path_resources, {
      HubForwardingRole = {
        Type      = "AWS::IAM::Role"
        Condition = "CreatesRole"
        Properties = {
          RoleName                 = local.spoke_name
          Path                     = var.iam_role_path
          AssumeRolePolicyDocument = local.spoke_assumed_by_events
          Policies = [{
            PolicyName = "put-events-on-hub-bus"
            PolicyDocument = {
              Version   = "2012-10-17"
              Statement = [{ Sid = "PutOnHubBusOnly", Effect = "Allow", Action = "events:PutEvents", Resource = local.home_event_bus_arn }]
            }
          }]
        }
      }
      # Lets the hub's health check (and doctor, from the hub account) read the spoke rules' states,
      # and nothing else.
      HealthCheckRole = {
        Type      = "AWS::IAM::Role"
        Condition = "CreatesRole"
        Properties = {
          RoleName = local.spoke_health_check_role_name
          Path     = var.iam_role_path
          AssumeRolePolicyDocument = {
            Version = "2012-10-17"
            Statement = [{
              Effect    = "Allow"
              Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
              Action    = "sts:AssumeRole"
            }]
          }
          Policies = [{
            PolicyName = "read-spoke-rules"
            PolicyDocument = {
              Version = "2012-10-17"
              Statement = [{
                Sid      = "ReadSpokeRulesOnly"
                Effect   = "Allow"
                Action   = "events:DescribeRule"
                Resource = { "Fn::Sub" = "arn:$${AWS::Partition}:events:*:$${AWS::AccountId}:rule/${local.spoke_name}*" }
              }]
            }
          }]
        }
      }
      }, {
      for logical_id, rule in local.spoke_rules : logical_id => {
        Type = "AWS::Events::Rule"
        Properties = {
          Name         = rule.name
          Description  = rule.description
          EventBusName = "default"
          EventPattern = jsondecode(rule.pattern)
          State        = rule.state
          Targets = [{
            Id      = "hub-event-bus"
            Arn     = local.home_event_bus_arn
            RoleArn = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:role${var.iam_role_path}${local.spoke_name}" }
            RetryPolicy = {
              MaximumRetryAttempts     = var.event_target_maximum_retry_attempts
              MaximumEventAgeInSeconds = var.event_target_maximum_event_age
            }
          }]
        }
      }
    })
  }
}

resource "aws_cloudwatch_event_bus" "hub" {
  count = local.organization ? 1 : 0

  name = "${var.name_prefix}-hub"
  tags = var.tags
}

# Only principals of this organization may put events here; the default bus's policy is left to
# whatever else manages it.
data "aws_iam_policy_document" "hub" {
  count = local.organization ? 1 : 0

  statement {
    sid       = "OrganizationPutsRootActivity"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.hub[0].arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = [local.organization_id]
    }
  }
}

resource "aws_cloudwatch_event_bus_policy" "hub" {
  count = local.organization ? 1 : 0

  event_bus_name = aws_cloudwatch_event_bus.hub[0].name
  policy         = data.aws_iam_policy_document.hub[0].json
}

resource "aws_cloudformation_stack_set" "spokes" {
  count = local.organization ? 1 : 0

  name             = "${var.name_prefix}-spokes"
  description      = "Root user activity of every member account and region, sent to the notifier's hub bus ${local.home_event_bus_arn}"
  permission_model = "SERVICE_MANAGED"
  call_as          = var.stack_set_call_as
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = jsonencode(local.spoke_template)

  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }

  # StackSets runs one operation at a time per stack set; with managed execution it queues a
  # conflicting one (an account joining while Terraform updates the template) instead of failing it.
  managed_execution {
    active = true
  }

  tags = var.tags

  lifecycle {
    # AWS reports an administration role for service-managed stack sets that was never set, so
    # every plan would show it changing (hashicorp/terraform-provider-aws#23464).
    ignore_changes = [administration_role_arn]

    precondition {
      condition     = length(local.stack_set_organizational_unit_ids) > 0
      error_message = "The organization's root ID is unknown from this account (only the management account reads it): set stack_set_organizational_unit_ids to the root or OU IDs whose accounts get the spoke rules."
    }
  }

  depends_on = [aws_cloudwatch_event_bus_policy.hub]
}

# Every target region in one operation, us-east-1 first so the role exists before the other rules need it.
resource "aws_cloudformation_stack_instances" "spokes" {
  count = local.organization ? 1 : 0

  stack_set_name = aws_cloudformation_stack_set.spokes[0].name
  call_as        = var.stack_set_call_as
  regions        = var.stack_set_regions

  deployment_targets {
    organizational_unit_ids = local.stack_set_organizational_unit_ids
  }

  # One region after the other: seventeen take a while, longer than the provider's default wait.
  timeouts {
    create = "2h"
    update = "2h"
    delete = "2h"
  }

  operation_preferences {
    region_concurrency_type = "SEQUENTIAL"
    region_order            = concat([local.spoke_role_region], [for region in var.stack_set_regions : region if region != local.spoke_role_region])
    # Every account of a region at once; one failure stops the operation, and Terraform says so.
    max_concurrent_percentage    = 100
    failure_tolerance_percentage = 0
  }
}

check "assume_root_calls_reach_the_hub" {
  assert {
    condition     = !local.includes_assume_root || var.event_rule_include_read_only_events
    error_message = "event_rule_include_assume_root announces sts:AssumeRoot calls, but with event_rule_include_read_only_events = false the rules are in the plain ENABLED state: if CloudTrail records AssumeRoot as a read-only call, as it records AssumeRole, they never see it. Include read-only events, or set event_rule_include_assume_root = false."
  }
}
