# The default bus of this forwarder's region: its ARN names the region, account and partition, read
# the same way by hashicorp/aws 5.x and 6.x (as in the root module).
data "aws_cloudwatch_event_bus" "default" {
  name = "default"
}

data "aws_arn" "default_bus" {
  arn = data.aws_cloudwatch_event_bus.default.arn
}

locals {
  region = data.aws_arn.default_bus.region
  name   = "${var.home.name_prefix}-forwarder"
  # The notifier's own account: a forwarder in another account (an organization's management
  # account forwarding to a separate hub) never duplicates the notifier's own forwarders.
  home_account_id = split(":", var.home.event_bus_arn)[4]
}

# Same pattern and state as the home rule: what would be announced there is forwarded from here.
resource "aws_cloudwatch_event_rule" "forward" {
  name          = local.name
  description   = "Root user activity recorded in ${local.region}, forwarded to the notifier in ${var.home.region}"
  event_pattern = var.home.event_pattern
  state         = var.home.event_rule_state
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = var.home.event_bus_arn != data.aws_cloudwatch_event_bus.default.arn
      error_message = "This forwarder is configured in ${local.region}, the notifier's home region: the home rule already sees events on this bus, and forwarding would loop. Remove this forwarder (or pass it another region's provider)."
    }
    precondition {
      condition     = !(contains(var.home.forwarded_regions, local.region) && data.aws_arn.default_bus.account == local.home_account_id)
      error_message = "The notifier already forwards ${local.region} of account ${local.home_account_id} itself (module.<notifier>.module.${local.region == "us-east-1" ? "us_east_1_forwarder" : "home_region_forwarder"}). A second forwarder there would take the same names, and destroying it would delete the notifier's own. Remove this forwarder (or pass it another region's provider)."
    }
  }
}

resource "aws_cloudwatch_event_target" "home_bus" {
  rule      = aws_cloudwatch_event_rule.forward.name
  target_id = "home-event-bus"
  arn       = var.home.event_bus_arn
  role_arn  = var.home.role_arn

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = module.failure_handling.dead_letter_queue_arn
  }
}

# Changes to the notifier's own resources recorded here (its forwarder; IAM roles in us-east-1),
# forwarded as they are: the home rules of the same patterns announce them.
resource "aws_cloudwatch_event_rule" "tamper" {
  for_each = var.home.tamper_event_patterns

  name          = "${local.name}-${each.key}"
  description   = "Changes to the root activity notifier's own resources (${each.key}) recorded in ${local.region}, forwarded to the notifier in ${var.home.region}"
  event_pattern = each.value
  state         = "ENABLED"
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "tamper" {
  for_each = var.home.tamper_event_patterns

  rule      = aws_cloudwatch_event_rule.tamper[each.key].name
  target_id = "home-event-bus"
  arn       = var.home.event_bus_arn
  role_arn  = var.home.role_arn

  retry_policy {
    maximum_retry_attempts       = var.event_target_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_target_maximum_event_age
  }

  dead_letter_config {
    arn = module.failure_handling.dead_letter_queue_arn
  }
}

module "failure_handling" {
  source = "../failure-handling"

  name       = local.name
  partition  = data.aws_arn.default_bus.partition
  region     = local.region
  account_id = data.aws_arn.default_bus.account

  event_rule_arns                     = concat([aws_cloudwatch_event_rule.forward.arn], [for rule in aws_cloudwatch_event_rule.tamper : rule.arn])
  dead_letter_queue_kms_key_arn       = var.queue_kms_key_arn
  create_direct_alarm                 = var.home.create_tamper_path
  direct_alarm_event_pattern          = var.home.tamper_path_event_pattern
  direct_alarm_member_publishers      = var.home.tamper_path_member_publishers
  dead_letter_queue_alarm_description = "Root events recorded in ${local.region} never reached the notifier in ${var.home.region}; they wait in ${local.name}-dlq. Replay each with `root-activity-notifier send`."

  alarms = {
    failed-invocations = {
      description = "EventBridge in ${local.region} could not forward root activity to the notifier in ${var.home.region}; the events are retried, then kept in ${local.name}-dlq."
      namespace   = "AWS/Events"
      metric_name = "FailedInvocations"
      dimensions  = { RuleName = aws_cloudwatch_event_rule.forward.name }
      statistic   = "Sum"
      period      = 60
    }
  }

  alarm_notification = {
    create_alarms         = var.home.create_alarms
    sns_topic_arn         = lookup(var.home.alarm_sns_topic_arns, local.region, null)
    sns_topic_kms_key_arn = var.alarm_sns_topic_kms_key_arn
    email_addresses       = var.home.alarm_email_addresses
  }

  tags = var.tags
}

check "alarms_reach_someone" {
  assert {
    condition     = !var.home.create_alarms || length(var.home.alarm_email_addresses) > 0 || contains(keys(var.home.alarm_sns_topic_arns), local.region)
    error_message = "The forwarder's alarms in ${local.region} notify a new SNS topic that nobody subscribes to. Set the notifier's alarm_email_addresses, or give this region a topic in its forwarder_alarm_sns_topic_arns."
  }
}
