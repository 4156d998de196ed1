locals {
  forwarder_role_arn = var.create_forwarder_role ? aws_iam_role.forwarder[0].arn : var.forwarder_role_arn

  # Everything modules/region-forwarder needs, alarm recipients included, so that one setting of
  # the notifier covers every region.
  forwarder_settings = {
    region                = local.region
    event_bus_arn         = local.home_event_bus_arn
    role_arn              = local.forwarder_role_arn
    event_pattern         = local.event_pattern
    event_rule_state      = local.event_rule_state
    tamper_event_patterns = local.tamper_event_patterns
    # Not forwarded: straight to this region's alarm topic (IAM, recorded in us-east-1).
    create_tamper_path        = var.create_tamper_alerts
    tamper_path_event_pattern = local.tamper_path_event_pattern
    name_prefix               = var.name_prefix
    create_alarms             = var.create_alarms
    alarm_email_addresses     = var.alarm_email_addresses
    alarm_sns_topic_arns      = var.forwarder_alarm_sns_topic_arns
  }

  # Regions of this account the notifier's own forwarders already cover: the output tells every
  # other forwarder, which refuses them (same names: destroying a duplicate would delete ours).
  forwarded_regions = concat(
    local.forwards_us_east_1 ? ["us-east-1"] : [],
    local.organization && local.forwards_own_activity ? [local.region] : [],
  )
}

# This account's own activity reaches the home bus through forwarders, except in a delegated
# administrator hub: a member account, which the organization's StackSet covers like any other.
locals {
  forwards_own_activity = !local.organization || local.hub_is_management_account
  forwards_us_east_1    = local.forwards_own_activity && local.region != "us-east-1"
}

# Root console sign-ins, IAM and global STS calls are recorded in us-east-1 only: without this
# forwarder, a notifier that lives anywhere else would never hear of them.
module "us_east_1_forwarder" {
  source = "./modules/region-forwarder"
  count  = local.forwards_us_east_1 ? 1 : 0

  providers = {
    aws = aws.us_east_1
  }

  home                                = merge(local.forwarder_settings, { tamper_path_member_publishers = local.spoke_tamper_path_publishers })
  event_target_maximum_retry_attempts = var.event_target_maximum_retry_attempts
  event_target_maximum_event_age      = var.event_target_maximum_event_age
  tags                                = var.tags
}

# The provider passed as aws.us_east_1 must be in us-east-1: anywhere else, the forwarder above is
# built in the wrong region and root console sign-ins never arrive, with nothing failing.
data "aws_cloudwatch_event_bus" "us_east_1" {
  count    = local.forwards_us_east_1 ? 1 : 0
  provider = aws.us_east_1

  name = "default"

  lifecycle {
    postcondition {
      condition     = split(":", self.arn)[3] == "us-east-1"
      error_message = "The provider passed to this module as aws.us_east_1 is configured in ${split(":", self.arn)[3]}, not us-east-1. Root console sign-ins, IAM and global STS calls are recorded in us-east-1 only, so the notifier would never hear of them. Set region = \"us-east-1\" in the provider block that the module call passes as aws.us_east_1 (providers = { aws = aws, aws.us_east_1 = aws.<that alias> })."
    }
  }
}

# With scope "organization", the hub's own activity in its home region: from its default bus to
# the hub bus.
module "home_region_forwarder" {
  source = "./modules/region-forwarder"
  count  = local.organization && local.forwards_own_activity ? 1 : 0

  # The notifier's own tamper-path rule is on this bus already.
  home                                = merge(local.forwarder_settings, { create_tamper_path = false })
  event_target_maximum_retry_attempts = var.event_target_maximum_retry_attempts
  event_target_maximum_event_age      = var.event_target_maximum_event_age
  tags                                = var.tags
}

data "aws_iam_policy_document" "forwarder_assume_role" {
  count = var.create_forwarder_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Used by the forwarders' rules to put root activity on the home bus, and for nothing else.
resource "aws_iam_role" "forwarder" {
  count = var.create_forwarder_role ? 1 : 0

  name                 = "${var.name_prefix}-forwarder"
  path                 = var.iam_role_path
  assume_role_policy   = data.aws_iam_policy_document.forwarder_assume_role[0].json
  permissions_boundary = var.iam_role_permissions_boundary
  tags                 = var.tags
}

data "aws_iam_policy_document" "forwarder" {
  count = var.create_forwarder_role ? 1 : 0

  statement {
    sid       = "PutOnHomeBusOnly"
    actions   = ["events:PutEvents"]
    resources = [local.home_event_bus_arn]
  }
}

resource "aws_iam_role_policy" "forwarder" {
  count = var.create_forwarder_role ? 1 : 0

  name   = "put-events-on-home-bus"
  role   = aws_iam_role.forwarder[0].id
  policy = data.aws_iam_policy_document.forwarder[0].json
}
