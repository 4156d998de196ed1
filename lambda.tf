locals {
  lambda_package_path = coalesce(var.lambda_package_path, "${path.module}/package/root_activity_notifier.zip")
  # A zone the handler does not know would only show at run time; check at plan time instead.
  iana_time_zones = compact(split("\n", file("${path.module}/data/time-zones.txt")))
}

resource "aws_lambda_function" "notifier" {
  #checkov:skip=CKV_AWS_116:Failed invocations go to the same SQS queue through the on-failure destination (aws_lambda_function_event_invoke_config), which keeps the whole event and its error.
  #checkov:skip=CKV_AWS_117:The function only calls SSM and Slack over HTTPS; a VPC would need NAT for both and protects nothing here.
  #checkov:skip=CKV_AWS_173:The environment holds no secret (the webhook URL stays in SSM); Lambda encrypts it at rest with an AWS managed key.
  #checkov:skip=CKV_AWS_272:The package is built reproducibly and verified byte for byte in CI; code signing is left to users who need it.
  #checkov:skip=CKV_AWS_115:Reserved concurrency is optional (lambda_reserved_concurrent_executions); reserving it by default would take capacity from the account.
  #checkov:skip=CKV_AWS_50:X-Ray tracing is optional (lambda_tracing_mode).
  function_name    = var.name_prefix
  description      = "Posts AWS root user activity to Slack"
  role             = aws_iam_role.notifier.arn
  handler          = "root_activity_notifier.handler.lambda_handler"
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  memory_size      = var.lambda_memory_size
  timeout          = var.lambda_timeout
  filename         = local.lambda_package_path
  source_code_hash = filebase64sha256(local.lambda_package_path)

  reserved_concurrent_executions = coalesce(var.lambda_reserved_concurrent_executions, -1)

  environment {
    variables = {
      SLACK_WEBHOOK_SSM_PARAMETER = local.webhook_parameter_name
      NOTIFIER_LANGUAGE           = var.message_language
      NOTIFIER_TIME_ZONE          = var.message_time_zone
      NOTIFIER_ACCOUNT_LABEL      = var.account_label
      NOTIFIER_MENTION            = var.slack_mention
    }
  }

  dynamic "tracing_config" {
    for_each = var.lambda_tracing_mode == null ? [] : [var.lambda_tracing_mode]
    content {
      mode = tracing_config.value
    }
  }

  tags = var.tags

  # Lambda writes to /aws/lambda/<function name>: the group (with its retention) and the right to
  # write there must exist before the first invocation.
  depends_on = [aws_cloudwatch_log_group.notifier, aws_iam_role_policy.notifier]

  lifecycle {
    precondition {
      condition     = local.create_webhook_parameter != (var.slack_webhook_ssm_parameter_name != null)
      error_message = "Set exactly one of slack_webhook_url (the module stores it in SSM) and slack_webhook_ssm_parameter_name (an existing SecureString parameter)."
    }
    precondition {
      condition     = contains(local.iana_time_zones, var.message_time_zone)
      error_message = "message_time_zone must be an IANA time zone name such as \"UTC\", \"Asia/Tokyo\" or \"America/New_York\" (the list: data/time-zones.txt in this module); got \"${var.message_time_zone}\"."
    }
  }
}

resource "aws_cloudwatch_log_group" "notifier" {
  #checkov:skip=CKV_AWS_158:A customer managed key is optional (lambda_log_kms_key_arn); CloudWatch Logs encrypts log data by default.
  name              = "/aws/lambda/${var.name_prefix}"
  retention_in_days = var.lambda_log_retention_days
  kms_key_id        = var.lambda_log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function_event_invoke_config" "notifier" {
  function_name                = aws_lambda_function.notifier.function_name
  maximum_retry_attempts       = var.lambda_maximum_retry_attempts
  maximum_event_age_in_seconds = var.lambda_maximum_event_age

  destination_config {
    on_failure {
      destination = module.failure_handling.dead_letter_queue_arn
    }
  }
}

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "notifier" {
  name                 = var.name_prefix
  path                 = var.iam_role_path
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume_role.json
  permissions_boundary = var.iam_role_permissions_boundary
  tags                 = var.tags
}

data "aws_iam_policy_document" "notifier" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.notifier.arn}:*"]
  }

  statement {
    sid       = "ReadWebhookParameter"
    actions   = ["ssm:GetParameter"]
    resources = [local.webhook_parameter_arn]
  }

  dynamic "statement" {
    for_each = var.slack_webhook_kms_key_arn == null ? [] : [var.slack_webhook_kms_key_arn]
    content {
      sid       = "DecryptWebhookParameter"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "KeepFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [module.failure_handling.dead_letter_queue_arn]
  }

  dynamic "statement" {
    for_each = var.dead_letter_queue_kms_key_arn == null ? [] : [var.dead_letter_queue_kms_key_arn]
    content {
      sid       = "EncryptFailedEvents"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.lambda_tracing_mode == null ? [] : [1]
    content {
      sid       = "WriteTraces"
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "notifier" {
  name   = "notifier"
  role   = aws_iam_role.notifier.id
  policy = data.aws_iam_policy_document.notifier.json
}
