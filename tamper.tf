# Tamper alerts: changes, by anyone, to the notifier's own resources, announced as critical (an
# expected deployer is labelled instead). The same three rules wherever they run (here on the home
# bus, in the forwarders, in the StackSet spokes): tamper-rules watches every rule of the notifier,
# tamper-delivery watches tamper-rules, so deleting or disabling any one of them is announced by
# another.
locals {
  # The rules' names, known before their patterns (which name the event source mappings, which
  # need the queue, whose policy names these rules).
  tamper_event_rules = var.create_tamper_alerts ? ["tamper-rules", "tamper-delivery", "tamper-access"] : []
  # Every resource of the notifier has name_prefix in its name, its ARN or its URL.
  tamper_named = [{ wildcard = "*${var.name_prefix}*" }]
  # CloudTrail calls name the trail by name or by ARN.
  tamper_watched_trail = concat(
    [for matcher in local.tamper_named : matcher if var.create_trail],
    var.create_trail || var.trail_arn_to_watch == null ? [] : [var.trail_arn_to_watch, reverse(split("/", var.trail_arn_to_watch))[0]],
  )
  # Outside the name prefix: a webhook or bot token parameter, an alarm topic or the on-call topic,
  # created outside Terraform: deleting the on-call topic, or its subscription, would silence paging.
  tamper_watched_parameters = flatten([for name in compact([local.slack_secret_external_parameter, local.interactivity ? var.slack_signing_secret_ssm_parameter_name : null]) : distinct([name, "/${trimprefix(name, "/")}"])])
  tamper_watched_topics     = compact([var.alarm_sns_topic_arn, var.escalation_sns_topic_arn])
  tamper_api_call           = merge(local.from_aws, { "detail-type" = ["AWS API Call via CloudTrail"] })
  tamper_eventbridge_calls  = ["DisableRule", "DeleteRule", "PutRule", "RemoveTargets", "PutTargets", "DeleteEventBus", "PutPermission", "RemovePermission"]

  # CloudTrail records each call with the API's own parameter names; Lambda's event names carry
  # API versions (UpdateFunctionConfiguration20150331v2), so they are matched by prefix. Each group
  # is filtered with a for, not chosen with a conditional: its branches differ in shape.
  tamper_delivery_branches = concat(
    [for branch in [
      { eventSource = ["cloudtrail.amazonaws.com"], eventName = ["StopLogging", "DeleteTrail", "UpdateTrail"], requestParameters = { name = local.tamper_watched_trail } },
      { eventSource = ["cloudtrail.amazonaws.com"], eventName = ["PutEventSelectors", "PutAdvancedEventSelectors"], requestParameters = { trailName = local.tamper_watched_trail } },
    ] : branch if length(local.tamper_watched_trail) > 0],
    [
      { eventSource = ["sqs.amazonaws.com"], eventName = ["SetQueueAttributes", "DeleteQueue", "PurgeQueue"], requestParameters = { queueUrl = local.tamper_named } },
      {
        eventSource = ["lambda.amazonaws.com"]
        # The function URL and its grants: the interactivity endpoint's (slack_interactivity), or a new one.
        eventName         = [for call in ["UpdateFunctionCode", "UpdateFunctionConfiguration", "PutFunctionConcurrency", "DeleteFunction", "CreateFunctionUrlConfig", "UpdateFunctionUrlConfig", "DeleteFunctionUrlConfig", "AddPermission", "RemovePermission"] : { prefix = call }]
        requestParameters = { functionName = local.tamper_named }
      },
      # An event source mapping is named by its UUID, not by the function.
      { eventSource = ["lambda.amazonaws.com"], eventName = [{ prefix = "UpdateEventSourceMapping" }, { prefix = "DeleteEventSourceMapping" }], requestParameters = { uUID = [for mapping in aws_lambda_event_source_mapping.queue : mapping.uuid] } },
      { eventSource = ["scheduler.amazonaws.com"], eventName = ["DeleteSchedule", "UpdateSchedule"], requestParameters = { name = local.tamper_named } },
      # The sibling rule tamper-rules, wherever it runs: its deletion is announced by this one.
      { eventSource = ["events.amazonaws.com"], eventName = local.tamper_eventbridge_calls, requestParameters = { name = [{ wildcard = "${var.name_prefix}*-tamper-rules" }] } },
      { eventSource = ["events.amazonaws.com"], eventName = local.tamper_eventbridge_calls, requestParameters = { rule = [{ wildcard = "${var.name_prefix}*-tamper-rules" }] } },
    ],
  )
  tamper_access_branches = concat(
    [
      { eventSource = ["ssm.amazonaws.com"], eventName = ["PutParameter", "DeleteParameter"], requestParameters = { name = concat(local.tamper_named, local.tamper_watched_parameters) } },
      { eventSource = ["sns.amazonaws.com"], eventName = ["DeleteTopic", "SetTopicAttributes"], requestParameters = { topicArn = concat(local.tamper_named, local.tamper_watched_topics) } },
      { eventSource = ["sns.amazonaws.com"], eventName = ["Unsubscribe"], requestParameters = { subscriptionArn = concat(local.tamper_named, [for topic in local.tamper_watched_topics : { prefix = "${topic}:" }]) } },
      { eventSource = ["monitoring.amazonaws.com"], eventName = ["DeleteAlarms", "DisableAlarmActions"], requestParameters = { alarmNames = local.tamper_named } },
      # IAM is recorded in us-east-1: the us-east-1 forwarder (and spoke) carries these.
      { eventSource = ["iam.amazonaws.com"], eventName = ["DeleteRole", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy"], requestParameters = { roleName = local.tamper_named } },
    ],
    # The session table: without it, every batch is posted as it comes (no thread, digest or shared pace).
    [
      { eventSource = ["dynamodb.amazonaws.com"], eventName = ["DeleteTable", "UpdateTable", "UpdateTimeToLive"], requestParameters = { tableName = local.tamper_named } },
    ],
    [for branch in [
      { eventSource = ["cloudformation.amazonaws.com"], eventName = ["DeleteStackSet", "UpdateStackSet", "DeleteStackInstances"], requestParameters = { stackSetName = local.tamper_named } },
      # A member's own copy of the spoke stack: StackSet-<stack set name>-<ID>.
      { eventSource = ["cloudformation.amazonaws.com"], eventName = ["DeleteStack", "UpdateStack"], requestParameters = { stackName = [{ wildcard = "*StackSet-${var.name_prefix}*" }] } },
      { eventSource = ["organizations.amazonaws.com"], eventName = ["DisableAWSServiceAccess", "DeregisterDelegatedAdministrator"], requestParameters = { servicePrincipal = ["member.org.stacksets.cloudformation.amazonaws.com"] } },
      # CloudFormation's own switch for StackSets' trusted access: the spokes stop following the organization.
      { eventSource = ["cloudformation.amazonaws.com"], eventName = ["DeactivateOrganizationsAccess"] },
      # Leaving the organization, or being removed from it, escapes every SCP and every spoke: whoever
      # does it, in any account.
      { eventSource = ["organizations.amazonaws.com"], eventName = ["LeaveOrganization", "RemoveAccountFromOrganization"] },
    ] : branch if local.organization],
  )

  # Calls that cut the alert's own path (function, mappings, queues, buses, roles, a member's
  # membership): their tamper alert also goes straight to an alarm topic (modules/failure-handling,
  # NAME-tamper-path), here, in every forwarder (IAM is recorded in us-east-1) and in every member's
  # us-east-1 (organization.tf).
  tamper_path_event_pattern = var.create_tamper_alerts ? jsonencode(merge(local.tamper_api_call, {
    detail = {
      "$or" = concat([
        {
          eventSource       = ["lambda.amazonaws.com"]
          eventName         = [for call in ["PutFunctionConcurrency", "DeleteFunction"] : { prefix = call }]
          requestParameters = { functionName = local.tamper_named }
        },
        { eventSource = ["lambda.amazonaws.com"], eventName = [{ prefix = "UpdateEventSourceMapping" }, { prefix = "DeleteEventSourceMapping" }], requestParameters = { uUID = [for mapping in aws_lambda_event_source_mapping.queue : mapping.uuid] } },
        { eventSource = ["sqs.amazonaws.com"], eventName = ["SetQueueAttributes", "DeleteQueue"], requestParameters = { queueUrl = local.tamper_named } },
        { eventSource = ["events.amazonaws.com"], eventName = ["DeleteEventBus", "PutPermission", "RemovePermission"], requestParameters = { name = local.tamper_named } },
        { eventSource = ["events.amazonaws.com"], eventName = ["PutPermission", "RemovePermission"], requestParameters = { eventBusName = local.tamper_named } },
        { eventSource = ["iam.amazonaws.com"], eventName = ["DeleteRole", "DeleteRolePolicy", "PutRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy"], requestParameters = { roleName = local.tamper_named } },
        ],
        # A member that leaves is no longer let onto the hub bus (its policy names the organization).
        [for branch in [{ eventSource = ["organizations.amazonaws.com"], eventName = ["LeaveOrganization"] }] : branch if local.organization],
      )
    }
  })) : null

  tamper_event_patterns = { for rule, pattern in {
    tamper-rules = jsonencode(merge(local.tamper_api_call, {
      detail = {
        eventSource = ["events.amazonaws.com"]
        eventName   = local.tamper_eventbridge_calls
        "$or"       = [for parameter in ["name", "rule", "eventBusName"] : { requestParameters = { (parameter) = local.tamper_named } }]
      }
    }))
    tamper-delivery = jsonencode(merge(local.tamper_api_call, { detail = { "$or" = local.tamper_delivery_branches } }))
    tamper-access   = jsonencode(merge(local.tamper_api_call, { detail = { "$or" = local.tamper_access_branches } }))
  } : rule => pattern if contains(local.tamper_event_rules, rule) }
  # Management write events reach rules in the plain ENABLED state: no read-only call is a tamper alert.
  tamper_event_rule_state = "ENABLED"
  # Built, not read from the rules, for the same reason.
  tamper_event_rule_arns = [
    for rule in local.tamper_event_rules :
    "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.organization ? "${local.home_event_bus_name}/" : ""}${var.name_prefix}-${rule}"
  ]
}

resource "aws_cloudwatch_event_rule" "tamper" {
  for_each = local.tamper_event_patterns

  name           = "${var.name_prefix}-${each.key}"
  description    = "Changes to the root activity notifier's own resources (${each.key}), by anyone, to its queue"
  event_bus_name = local.home_event_bus_name
  event_pattern  = each.value
  state          = local.tamper_event_rule_state
  tags           = var.tags

  lifecycle {
    precondition {
      condition     = length(each.value) <= local.event_pattern_quota
      error_message = "The tamper rule ${each.key}'s event pattern would be ${length(each.value)} characters, over EventBridge's default quota of ${local.event_pattern_quota}. Shorten name_prefix."
    }
  }
}

resource "aws_cloudwatch_event_target" "tamper" {
  for_each = local.tamper_event_patterns

  rule           = aws_cloudwatch_event_rule.tamper[each.key].name
  event_bus_name = local.home_event_bus_name
  target_id      = "delivery-queue"
  arn            = module.queue["sign-ins-and-changes"].arn

  # The rule says what it matched; only the notifier's rules may send to its queue, so the mark
  # can be trusted where a name check in the handler would have to repeat these patterns.
  input_transformer {
    input_template = "{\"tamper_rule\": \"${var.name_prefix}-${each.key}\", \"event\": <aws.events.event.json>}"
  }

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = module.failure_handling.dead_letter_queue_arn
  }
}
