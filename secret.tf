resource "aws_ssm_parameter" "slack_webhook" {
  count = local.create_webhook_parameter ? 1 : 0

  #checkov:skip=CKV_AWS_337:A customer managed key is optional (slack_webhook_kms_key_arn); the default alias/aws/ssm still encrypts the SecureString.
  name        = "/${var.name_prefix}/slack-webhook-url"
  description = "Slack incoming webhook URL of the root activity notifier"
  type        = "SecureString"
  value       = var.slack_webhook_url
  key_id      = var.slack_webhook_kms_key_arn
  tags        = var.tags
}
