# terraform-aws-root-activity-notifier: root user activity, in every region and every account of an
# organization, to Slack within seconds. One file per concern:
#
#   main.tf              the map (this), and where the module works: region, account, partition, home bus
#   rule.tf              the root-activity pattern and the home rules (one per path)
#   delivery.tf          the two queues by urgency and the event source mappings
#   lambda.tf            the function, its role and log group, the log-line metric filters
#   slack.tf             where it posts: the webhook or the bot token, in SSM
#   state.tf             the session table (threads, digests, exact totals, shared pace)
#   failure_handling.tf  the dead-letter queue, alarms and alarm topic (modules/failure-handling)
#   forwarder.tf         the us-east-1 (and, in an organization, home region) forwarders and their role
#   organization.tf      scope = "organization": the hub bus, the StackSet and its spoke template
#   tamper.tf            tamper alerts, and the second path for calls that cut the first
#   health.tf            the daily health check, at apply too, and what it reads
#   trail.tf             the trail, or the one watched instead
#   migrations.tf        moved blocks, so that upgrades move resources instead of replacing them
#
# Locals the others share: region, account_id, partition, organization, home_event_bus_name and
# home_event_bus_arn (here); event_pattern and event_rule_state (rule.tf); slack_app_mode
# (slack.tf); tamper_event_patterns and tamper_path_event_pattern (tamper.tf).

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
