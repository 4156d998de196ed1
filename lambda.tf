locals {
  lambda_package_path = coalesce(var.lambda_package_path, "${path.module}/package/root_activity_notifier.zip")
  metric_namespace    = "RootActivityNotifier/${var.name_prefix}"
  # A zone the handler does not know would only show at run time; check at plan time instead.
  iana_time_zones = compact(split("\n", file("${path.module}/data/time-zones.txt")))

  # With scope "organization", account_label names the hub account only; other accounts take theirs
  # from account_labels.
  account_labels = merge(
    local.organization && var.account_label != "" ? { (local.account_id) = var.account_label } : {},
    var.account_labels,
  )
  lambda_environment = merge(
    local.slack_environment,
    local.slack_session_environment,
    {
      NOTIFIER_LANGUAGE      = var.message_language
      NOTIFIER_TIME_ZONE     = var.message_time_zone
      NOTIFIER_ACCOUNT_LABEL = local.organization ? "" : var.account_label
      NOTIFIER_MENTION       = var.slack_mention
    },
    length(local.account_labels) > 0 ? { NOTIFIER_ACCOUNT_LABELS = jsonencode(local.account_labels) } : {},
    local.includes_assume_root ? { NOTIFIER_ANNOUNCE_ASSUME_ROOT = "true" } : {},
    length(var.tamper_expected_principals) > 0 ? { NOTIFIER_EXPECTED_PRINCIPALS = jsonencode(var.tamper_expected_principals) } : {},
    var.escalation_sns_topic_arn != null ? { NOTIFIER_ESCALATION_TOPIC_ARN = var.escalation_sns_topic_arn } : {},
    local.interactivity ? { SLACK_INTERACTIVITY = "true" } : {},
    local.interactivity && var.escalation_sns_topic_arn != null ? { NOTIFIER_ESCALATION_AFTER_MINUTES = tostring(var.escalation_after_minutes) } : {},
  )
  # Statements both functions' roles hold (the notifier's, and the interactivity endpoint's in
  # interactions.tf): the session table's key only through DynamoDB; on-call paging, the topic's key
  # only through SNS in the topic's region.
  session_table_key_statements = var.slack_session_table_kms_key_arn == null ? [] : [{
    sid       = "UseSlackSessionsKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [var.slack_session_table_kms_key_arn]
    via       = ["dynamodb.${local.region}.amazonaws.com"]
  }]
  on_call_statements = var.escalation_sns_topic_arn == null ? [] : concat(
    [{ sid = "PageOnCall", actions = ["sns:Publish"], resources = [var.escalation_sns_topic_arn], via = [] }],
    var.escalation_sns_topic_kms_key_arn == null ? [] : [{
      sid       = "UseOnCallTopicKey"
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
      resources = [var.escalation_sns_topic_kms_key_arn]
      via       = ["sns.${split(":", var.escalation_sns_topic_arn)[3]}.amazonaws.com"]
    }],
  )
  # Lambda refuses an environment over 4 KB (names and values together).
  lambda_environment_size = length(join("", [for name, value in local.lambda_environment : "${name}${value == null ? "" : value}"]))
}

resource "aws_lambda_function" "notifier" {
  #checkov:skip=CKV_AWS_116:The function reads SQS queues (event source mappings); SQS itself moves what the function could not deliver to the dead-letter queue (redrive policy).
  #checkov:skip=CKV_AWS_117:The function only calls SSM and Slack over HTTPS; a VPC would need NAT for both and protects nothing here.
  #checkov:skip=CKV_AWS_173:The environment holds no secret (the webhook URL or bot token stays in SSM); Lambda encrypts it at rest with an AWS managed key.
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
    variables = local.lambda_environment
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
      condition     = length(concat(local.slack_webhook_inputs, local.slack_app_inputs)) > 0
      error_message = "Neither slack_webhook_url nor slack_webhook_ssm_parameter_name is set, nor a Slack app's slack_bot_token or slack_bot_token_ssm_parameter_name, so the notifier has nowhere to post. Set one: slack_webhook_url (the module stores it in SSM) or slack_webhook_ssm_parameter_name (an existing SecureString parameter); for Slack app mode, slack_bot_token or slack_bot_token_ssm_parameter_name with slack_channel_id."
    }
    precondition {
      condition     = length(local.slack_webhook_inputs) < 2
      error_message = "Both slack_webhook_url and slack_webhook_ssm_parameter_name (\"${coalesce(var.slack_webhook_ssm_parameter_name, "-")}\") are set. Keep one: remove slack_webhook_url to use the existing parameter, or remove slack_webhook_ssm_parameter_name to let the module store the URL."
    }
    precondition {
      condition     = length(local.slack_app_inputs) < 2
      error_message = "Both slack_bot_token and slack_bot_token_ssm_parameter_name (\"${coalesce(var.slack_bot_token_ssm_parameter_name, "-")}\") are set. Keep one: remove slack_bot_token to use the existing parameter, or remove slack_bot_token_ssm_parameter_name to let the module store the token."
    }
    precondition {
      condition     = length(local.slack_webhook_inputs) == 0 || length(local.slack_app_inputs) == 0
      error_message = "A webhook (${join(" and ", local.slack_webhook_inputs)}) and a Slack app (${join(" and ", local.slack_app_inputs)}) are both set. Keep one: the webhook inputs to post through an incoming webhook, or the bot token inputs (with slack_channel_id) for Slack app mode."
    }
    precondition {
      condition     = !local.slack_app_mode || var.slack_channel_id != null
      error_message = "Slack app mode (${join(" and ", local.slack_app_inputs)}) needs slack_channel_id: the ID of the channel to post to, such as C0123ABCDEF (in Slack: the channel's name, then About). Invite the app to it."
    }
    precondition {
      condition     = local.slack_app_mode || (var.slack_channel_id == null && length(var.slack_channel_routes) == 0)
      error_message = "slack_channel_id and slack_channel_routes choose channels in Slack app mode only; an incoming webhook posts to the channel it was created for. Remove them, or set slack_bot_token or slack_bot_token_ssm_parameter_name instead of the webhook."
    }
    precondition {
      condition     = !var.slack_interactivity || local.slack_app_mode
      error_message = "slack_interactivity needs Slack app mode (slack_bot_token or slack_bot_token_ssm_parameter_name): an incoming webhook's messages cannot carry buttons that answer back. Remove slack_interactivity, or move to Slack app mode (docs/slack-app.md)."
    }
    precondition {
      condition     = contains(local.iana_time_zones, var.message_time_zone)
      error_message = "message_time_zone must be an IANA time zone name such as \"UTC\", \"Asia/Tokyo\" or \"America/New_York\" (the list: data/time-zones.txt in this module); got \"${var.message_time_zone}\"."
    }
    precondition {
      condition     = local.lambda_environment_size <= 4096
      error_message = "The function's environment would hold ${local.lambda_environment_size} bytes, over Lambda's 4096: account_labels takes ${length(jsonencode(local.account_labels))}. Shorten the labels, or label only the accounts you need named."
    }
  }
}

# Counts from the function's JSON log lines, each with an alarm (failure_handling.tf): an SQS batch
# reports partial failures without an error, so Lambda's Errors metric never sees them, and a
# refused event is no error at all.
locals {
  log_metric_alarms = merge(
    {
      delivery-failures = {
        pattern     = "{ $.outcome = \"failed\" }"
        metric_name = "DeliveryFailures"
        description = "Slack did not accept a root activity message (log lines with outcome \"failed\" in ${aws_cloudwatch_log_group.notifier.name} say why); SQS delivers the events again, then keeps them in ${var.name_prefix}-dlq."
      }
      health-check = {
        pattern     = "{ $.health = \"failing\" }"
        metric_name = "HealthCheckFailures"
        description = "The root activity notifier cannot see: its health check found a stopped trail, a disabled rule or mapping, a function that may not run, events in a dead-letter queue, an unreadable webhook or a spoke that is not current. The log line with health \"failing\" in ${aws_cloudwatch_log_group.notifier.name} lists each problem; Slack has them with their fixes (doctor on the command line runs the same checks)."
      }
      forged-events = {
        pattern     = "{ $.outcome = \"refused\" }"
        metric_name = "ForgedEvents"
        description = "Someone is putting forged root events on the notifier's bus: events shaped as root activity whose source is not an AWS service's, so AWS did not deliver them. They were refused and never posted to Slack. The log lines with outcome \"refused\" in ${aws_cloudwatch_log_group.notifier.name} name the source, the account that put them and the event ID: find who may call events:PutEvents on ${local.home_event_bus_arn}."
      }
    },
    {
      session-state-unavailable = {
        pattern     = "{ $.state_store = \"unavailable\" }"
        metric_name = "SessionStateUnavailable"
        description = "The notifier could not read or write its session table (${aws_dynamodb_table.sessions.name}): root activity was still posted, but as each batch saw it (no thread, no digest, no shared pace). The log lines with state_store \"unavailable\" in ${aws_cloudwatch_log_group.notifier.name} say why (throttled, denied, unreachable, no time left)."
      }
    },
  )
}

resource "aws_cloudwatch_log_metric_filter" "notifier" {
  for_each = local.log_metric_alarms

  name           = "${var.name_prefix}-${each.key}"
  log_group_name = aws_cloudwatch_log_group.notifier.name
  pattern        = each.value.pattern

  metric_transformation {
    name      = each.value.metric_name
    namespace = local.metric_namespace
    value     = "1"
  }
}

resource "aws_cloudwatch_log_group" "notifier" {
  #checkov:skip=CKV_AWS_158:A customer managed key is optional (lambda_log_kms_key_arn); CloudWatch Logs encrypts log data by default.
  name              = "/aws/lambda/${var.name_prefix}"
  retention_in_days = var.lambda_log_retention_days
  kms_key_id        = var.lambda_log_kms_key_arn
  tags              = var.tags
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
    sid       = local.slack_app_mode ? "ReadBotTokenParameter" : "ReadWebhookParameter"
    actions   = ["ssm:GetParameter"]
    resources = [local.slack_secret_parameter_arn]
  }

  dynamic "statement" {
    for_each = local.slack_secret_kms_key_arn == null ? [] : [local.slack_secret_kms_key_arn]
    content {
      sid       = local.slack_app_mode ? "DecryptBotTokenParameter" : "DecryptWebhookParameter"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]
    }
  }

  statement {
    sid = "KeepSlackSessions"
    # TransactWriteItems (a claim, a count) is authorized as its PutItem, UpdateItem and ConditionCheckItem parts.
    actions   = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
    resources = [aws_dynamodb_table.sessions.arn]
  }

  statement {
    sid       = "ReadOwnQueues"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
    resources = [for queue in module.queue : queue.arn]
  }

  statement {
    sid       = "FollowUpOnOwnQueue"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue["sign-ins-and-changes"].arn]
  }

  dynamic "statement" {
    for_each = var.queue_kms_key_arn == null ? [] : [var.queue_kms_key_arn]
    content {
      sid = "DecryptQueuedEvents"
      # GenerateDataKey: a follow-up the function sends itself is encrypted with the queue's key.
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
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
