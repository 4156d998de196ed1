locals {
  # The URL itself is sensitive; whether one was given is not, and count needs to know.
  create_webhook_parameter = nonsensitive(var.slack_webhook_url != null)
  webhook_parameter_name   = local.create_webhook_parameter ? aws_ssm_parameter.slack_webhook[0].name : var.slack_webhook_ssm_parameter_name
  webhook_parameter_arn    = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(coalesce(local.webhook_parameter_name, "-"), "/")}"
}

resource "aws_ssm_parameter" "slack_webhook" {
  count = local.create_webhook_parameter ? 1 : 0

  #checkov:skip=CKV_AWS_337:A customer managed key is optional (slack_webhook_kms_key_arn); the default alias/aws/ssm still encrypts the SecureString.
  name        = "/${var.name_prefix}/slack-webhook-url"
  description = "Slack incoming webhook URL of the root activity notifier"
  type        = "SecureString"
  # A URL read with file() keeps its trailing newline; Slack would refuse it.
  value  = trimspace(var.slack_webhook_url)
  key_id = var.slack_webhook_kms_key_arn
  tags   = var.tags
}
