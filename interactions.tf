# The interactivity endpoint (slack_interactivity, Slack app mode): a second function behind a
# function URL takes what people click on a critical session's parent. Slack cannot sign AWS
# requests, so the URL has no IAM auth and is public; the function verifies every request with the
# app's signing secret before it reads or changes anything (lambda/root_activity_notifier/
# interactions.py), refuses the rest with 401, logs it, and an alarm counts it.
locals {
  interactivity = local.slack_app_mode && var.slack_interactivity

  create_signing_secret_parameter = nonsensitive(var.slack_signing_secret != null)
  signing_secret_parameter_name   = local.create_signing_secret_parameter ? "/${var.name_prefix}/slack-signing-secret" : var.slack_signing_secret_ssm_parameter_name
  signing_secret_parameter_arn    = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(coalesce(local.signing_secret_parameter_name, "-"), "/")}"
  slack_signing_secret_inputs     = compact([local.create_signing_secret_parameter ? "slack_signing_secret" : "", var.slack_signing_secret_ssm_parameter_name == null ? "" : "slack_signing_secret_ssm_parameter_name"])

  interactions_function_name = "${var.name_prefix}-interactions"
  interactions_environment = merge(
    local.lambda_environment,
    { SLACK_SIGNING_SECRET_SSM_PARAMETER = local.signing_secret_parameter_name },
    length(var.slack_responder_user_ids) > 0 ? { SLACK_RESPONDER_USER_IDS = join(",", var.slack_responder_user_ids) } : {},
  )
}

resource "aws_ssm_parameter" "slack_signing_secret" {
  count = local.interactivity && local.create_signing_secret_parameter ? 1 : 0

  #checkov:skip=CKV_AWS_337:A customer managed key is optional (slack_signing_secret_kms_key_arn); the default alias/aws/ssm still encrypts the SecureString.
  name        = local.signing_secret_parameter_name
  description = "Slack app signing secret of the root activity notifier's interactivity endpoint"
  type        = "SecureString"
  value       = trimspace(var.slack_signing_secret)
  key_id      = var.slack_signing_secret_kms_key_arn
  tags        = var.tags
}

resource "aws_cloudwatch_log_group" "interactions" {
  count = local.interactivity ? 1 : 0

  #checkov:skip=CKV_AWS_158:A customer managed key is optional (lambda_log_kms_key_arn); CloudWatch Logs encrypts log data by default.
  name              = "/aws/lambda/${local.interactions_function_name}"
  retention_in_days = var.lambda_log_retention_days
  kms_key_id        = var.lambda_log_kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "interactions" {
  count = local.interactivity ? 1 : 0

  name                 = local.interactions_function_name
  path                 = var.iam_role_path
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume_role.json
  permissions_boundary = var.iam_role_permissions_boundary
  tags                 = var.tags
}

# What an answer needs, and nothing else: its log group, the two secrets, the session table (the
# request's replay claim, the answer, the page's claim) and the on-call topic.
data "aws_iam_policy_document" "interactions" {
  count = local.interactivity ? 1 : 0

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.interactions[0].arn}:*"]
  }

  statement {
    sid       = "ReadSigningSecretAndBotToken"
    actions   = ["ssm:GetParameter"]
    resources = [local.signing_secret_parameter_arn, local.slack_secret_parameter_arn]
  }

  dynamic "statement" {
    for_each = length(compact([var.slack_signing_secret_kms_key_arn, var.slack_bot_token_kms_key_arn])) == 0 ? [] : [1]
    content {
      sid       = "DecryptSigningSecretAndBotToken"
      actions   = ["kms:Decrypt"]
      resources = distinct(compact([var.slack_signing_secret_kms_key_arn, var.slack_bot_token_kms_key_arn]))
    }
  }

  statement {
    sid       = "KeepAnswers"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.sessions.arn]
  }

  dynamic "statement" {
    for_each = concat(local.session_table_key_statements, local.on_call_statements)
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
      dynamic "condition" {
        for_each = statement.value.via
        content {
          test     = "StringEquals"
          variable = "kms:ViaService"
          values   = [condition.value]
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "interactions" {
  count = local.interactivity ? 1 : 0

  name   = "interactions"
  role   = aws_iam_role.interactions[0].id
  policy = data.aws_iam_policy_document.interactions[0].json
}

resource "aws_lambda_function" "interactions" {
  count = local.interactivity ? 1 : 0

  #checkov:skip=CKV_AWS_116:A function URL's request is answered while Slack waits (3 s); there is nothing to retry later, so there is no dead-letter queue.
  #checkov:skip=CKV_AWS_117:The function only calls SSM, DynamoDB, SNS and Slack over HTTPS; a VPC would need NAT for each and protects nothing here.
  #checkov:skip=CKV_AWS_173:The environment holds no secret (the signing secret and bot token stay in SSM); Lambda encrypts it at rest with an AWS managed key.
  #checkov:skip=CKV_AWS_272:The package is built reproducibly and verified byte for byte in CI; code signing is left to users who need it.
  #checkov:skip=CKV_AWS_50:X-Ray tracing is optional (lambda_tracing_mode).
  function_name = local.interactions_function_name
  description   = "Takes answers about root activity from Slack (signed requests only)"
  role          = aws_iam_role.interactions[0].arn
  handler       = "root_activity_notifier.interactions.lambda_handler"
  runtime       = var.lambda_runtime
  architectures = [var.lambda_architecture]
  memory_size   = var.lambda_memory_size
  # Slack waits 3 seconds for an answer (and a modal's trigger lasts as long); a "Not expected"
  # page is published only with time for SNS's timeouts and retry left, so there is room after.
  timeout          = 20
  filename         = local.lambda_package_path
  source_code_hash = filebase64sha256(local.lambda_package_path)

  reserved_concurrent_executions = var.slack_interactivity_reserved_concurrency

  environment {
    variables = local.interactions_environment
  }

  dynamic "tracing_config" {
    for_each = var.lambda_tracing_mode == null ? [] : [var.lambda_tracing_mode]
    content {
      mode = tracing_config.value
    }
  }

  tags       = var.tags
  depends_on = [aws_cloudwatch_log_group.interactions, aws_iam_role_policy.interactions]

  lifecycle {
    precondition {
      condition     = length(local.slack_signing_secret_inputs) == 1
      error_message = "slack_interactivity needs the Slack app's signing secret, from exactly one input: slack_signing_secret (the module stores it) or slack_signing_secret_ssm_parameter_name (an existing SecureString parameter); got ${length(local.slack_signing_secret_inputs) == 0 ? "neither" : join(" and ", local.slack_signing_secret_inputs)}."
    }
  }
}

resource "aws_lambda_function_url" "interactions" {
  count = local.interactivity ? 1 : 0

  #checkov:skip=CKV_AWS_258:Slack cannot sign AWS requests, so the URL takes anyone's; the function refuses every request not signed with the app's signing secret (HTTP 401), and its reserved concurrency bounds the rest.
  function_name      = aws_lambda_function.interactions[0].function_name
  authorization_type = "NONE"
}

# A URL without IAM auth needs both grants to the public (since October 2025). Provider 6.x can
# narrow the second to calls through the URL (invoked_via_function_url); 5.x cannot, and a direct
# invocation meets the same signature check as a request to the URL.
resource "aws_lambda_permission" "interactions_url" {
  count = local.interactivity ? 1 : 0

  statement_id           = "SlackInteractivityUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.interactions[0].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "interactions_invoke" {
  count = local.interactivity ? 1 : 0

  #checkov:skip=CKV_AWS_301:The function behind a URL without IAM auth must be invokable by anyone (Lambda's function URL authorization); every request is verified with Slack's signing secret.
  statement_id  = "SlackInteractivityInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.interactions[0].function_name
  principal     = "*"
}

resource "aws_cloudwatch_log_metric_filter" "interactions_refused" {
  count = local.interactivity ? 1 : 0

  name           = "${var.name_prefix}-interactions-refused"
  log_group_name = aws_cloudwatch_log_group.interactions[0].name
  pattern        = "{ $.message = \"interaction refused\" }"

  metric_transformation {
    name      = "InteractionsRefused"
    namespace = local.metric_namespace
    value     = "1"
  }
}
