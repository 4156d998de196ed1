# Only when the hub is not the management account (hub_account_role_arn set): StackSets never deploy
# to the management account, so its own root activity is forwarded here, with the credentials you
# run Terraform with (the management account's), to the hub bus: its home region and us-east-1
# (sign-ins and IAM) here, its other regions in forwarders.tf.
locals {
  separate_hub = var.hub_account_role_arn != null
  # What a forwarder in the management account needs (here and in forwarders.tf): the hub's
  # settings, with the management account's own role when the hub is another account.
  management_forwarding = (
    local.separate_hub
    ? merge(module.root_activity_notifier.forwarder_settings, { role_arn = aws_iam_role.management_forwarder[0].arn })
    : module.root_activity_notifier.forwarder_settings
  )
}

provider "aws" {
  alias  = "management"
  region = var.region
}

provider "aws" {
  alias  = "management_us_east_1"
  region = "us-east-1"
}

data "aws_caller_identity" "management" {
  provider = aws.management
}

# Only the management account reads the organization root's ID: the hub's StackSet targets it
# unless organizational_unit_ids names OUs.
data "aws_organizations_organization" "management" {
  count    = local.separate_hub ? 1 : 0
  provider = aws.management
}

data "aws_iam_policy_document" "management_forwarder_trust" {
  count    = local.separate_hub ? 1 : 0
  provider = aws.management

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.management.account_id]
    }
  }
}

resource "aws_iam_role" "management_forwarder" {
  count    = local.separate_hub ? 1 : 0
  provider = aws.management

  name               = "root-activity-notifier-management-forwarder"
  assume_role_policy = data.aws_iam_policy_document.management_forwarder_trust[0].json
}

resource "aws_iam_role_policy" "management_forwarder" {
  count    = local.separate_hub ? 1 : 0
  provider = aws.management

  name = "put-events-on-hub-bus"
  role = aws_iam_role.management_forwarder[0].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "events:PutEvents", Resource = module.root_activity_notifier.home_event_bus_arn }]
  })
}

module "management_home_region" {
  source    = "../../modules/region-forwarder"
  count     = local.separate_hub ? 1 : 0
  providers = { aws = aws.management }

  home = local.management_forwarding
}

module "management_us_east_1" {
  source    = "../../modules/region-forwarder"
  count     = local.separate_hub && var.region != "us-east-1" ? 1 : 0
  providers = { aws = aws.management_us_east_1 }

  home = local.management_forwarding
}
