# Root activity waits in SQS for the function, in two queues by urgency: sign-ins and changes for a
# few seconds, read-only calls for minutes, so that a console session reaches Slack as a few
# messages (the handler groups each batch by root session) and not as one message per call.
locals {
  delivery_paths = {
    sign-ins-and-changes = {
      batching_window = var.queue_batching_window
      # Sign-ins and changes come few at a time: the window, not the size, ends a batch.
      batch_size = 100
    }
    read-only = {
      batching_window = var.read_only_queue_batching_window
      # Lambda's limit for a batch from SQS is 10,000 records and 6 MB; CloudTrail records are a
      # few KB each.
      batch_size = 1000
    }
  }
  delivery = { for path in distinct(values(local.home_event_rule_paths)) : path => local.delivery_paths[path] }
}

module "queue" {
  source   = "./modules/queue"
  for_each = local.delivery

  name       = "${var.name_prefix}-${each.key}"
  partition  = local.partition
  region     = local.region
  account_id = local.account_id

  event_rule_arns = concat(
    [for rule, path in local.home_event_rule_paths : aws_cloudwatch_event_rule.root_activity[rule].arn if path == each.key],
    each.key == "sign-ins-and-changes" ? local.tamper_event_rule_arns : [],
  )
  kms_key_arn = var.queue_kms_key_arn
  # AWS's advice for a queue a function reads: six times the function's timeout, plus the window.
  visibility_timeout_seconds = 6 * var.lambda_timeout + each.value.batching_window
  dead_letter_queue_arn      = module.failure_handling.dead_letter_queue_arn
  max_receive_count          = var.queue_max_receive_count

  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "queue" {
  for_each = local.delivery

  event_source_arn                   = module.queue[each.key].arn
  function_name                      = aws_lambda_function.notifier.arn
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.batching_window
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.queue_maximum_concurrency
  }

  # Lambda checks, when the mapping is created, that the function's role may read the queue.
  depends_on = [aws_iam_role_policy.notifier]
}
