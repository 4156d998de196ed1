# Where the function posts: an incoming webhook (the default), or a Slack app's bot token and the
# Web API (Slack app mode). Either secret lives in an SSM SecureString, never in the environment.
locals {
  # The secrets are sensitive; whether one was given is not, and count needs to know.
  create_webhook_parameter   = nonsensitive(var.slack_webhook_url != null)
  create_bot_token_parameter = nonsensitive(var.slack_bot_token != null)
  slack_app_mode             = local.create_bot_token_parameter || var.slack_bot_token_ssm_parameter_name != null

  webhook_parameter_name   = local.create_webhook_parameter ? aws_ssm_parameter.slack_webhook[0].name : var.slack_webhook_ssm_parameter_name
  bot_token_parameter_name = local.create_bot_token_parameter ? aws_ssm_parameter.slack_bot_token[0].name : var.slack_bot_token_ssm_parameter_name

  # The one parameter the function reads, and the key that may decrypt it.
  slack_secret_parameter_name = local.slack_app_mode ? local.bot_token_parameter_name : local.webhook_parameter_name
  slack_secret_parameter_arn  = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(coalesce(local.slack_secret_parameter_name, "-"), "/")}"
  slack_secret_kms_key_arn    = local.slack_app_mode ? var.slack_bot_token_kms_key_arn : var.slack_webhook_kms_key_arn
  # Created outside Terraform, so outside the name prefix: the tamper rules watch it by name.
  slack_secret_external_parameter = local.slack_app_mode ? var.slack_bot_token_ssm_parameter_name : var.slack_webhook_ssm_parameter_name

  slack_environment = local.slack_app_mode ? merge(
    { SLACK_BOT_TOKEN_SSM_PARAMETER = local.bot_token_parameter_name, SLACK_CHANNEL_ID = var.slack_channel_id },
    length(var.slack_channel_routes) > 0 ? { SLACK_CHANNEL_ROUTES = jsonencode(var.slack_channel_routes) } : {},
  ) : { SLACK_WEBHOOK_SSM_PARAMETER = local.webhook_parameter_name }

  # Set inputs, for the refusals in lambda.tf.
  slack_webhook_inputs = compact([local.create_webhook_parameter ? "slack_webhook_url" : "", var.slack_webhook_ssm_parameter_name == null ? "" : "slack_webhook_ssm_parameter_name"])
  slack_app_inputs     = compact([local.create_bot_token_parameter ? "slack_bot_token" : "", var.slack_bot_token_ssm_parameter_name == null ? "" : "slack_bot_token_ssm_parameter_name"])
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

resource "aws_ssm_parameter" "slack_bot_token" {
  count = local.create_bot_token_parameter ? 1 : 0

  #checkov:skip=CKV_AWS_337:A customer managed key is optional (slack_bot_token_kms_key_arn); the default alias/aws/ssm still encrypts the SecureString.
  name        = "/${var.name_prefix}/slack-bot-token"
  description = "Slack app bot token of the root activity notifier"
  type        = "SecureString"
  value       = trimspace(var.slack_bot_token)
  key_id      = var.slack_bot_token_kms_key_arn
  tags        = var.tags
}
