data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # The URL itself is sensitive; whether one was given is not, and count needs to know.
  create_webhook_parameter = nonsensitive(var.slack_webhook_url != null)
  webhook_parameter_name   = local.create_webhook_parameter ? aws_ssm_parameter.slack_webhook[0].name : var.slack_webhook_ssm_parameter_name
  webhook_parameter_arn    = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(coalesce(local.webhook_parameter_name, "-"), "/")}"

  lambda_package_path = coalesce(var.lambda_package_path, "${path.module}/package/root_activity_notifier.zip")

  create_alarm_topic = var.create_alarms && var.alarm_sns_topic_arn == null
  alarm_topic_arn    = local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : var.alarm_sns_topic_arn
}
