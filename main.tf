# The default bus of the provider's region. Its ARN names the region, account and partition the
# module works in, read the same way by hashicorp/aws 5.x and 6.x (6.x deprecates
# data.aws_region's `name` and `id`, and 5.x has no `region` attribute).
data "aws_cloudwatch_event_bus" "default" {
  name = "default"
}

data "aws_arn" "default_bus" {
  arn = data.aws_cloudwatch_event_bus.default.arn
}

locals {
  account_id = data.aws_arn.default_bus.account
  partition  = data.aws_arn.default_bus.partition
  region     = data.aws_arn.default_bus.region

  organization = var.scope == "organization"
  # Where the rules that feed the function listen: the default bus of this account, or the hub bus
  # every account of the organization sends to (organization.tf).
  home_event_bus_name = local.organization ? aws_cloudwatch_event_bus.hub[0].name : "default"
  home_event_bus_arn  = local.organization ? aws_cloudwatch_event_bus.hub[0].arn : data.aws_cloudwatch_event_bus.default.arn
}
