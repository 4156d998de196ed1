# What Slack did not accept ends in the dead-letter queue, and every sign of it raises an alarm.
module "failure_handling" {
  source = "./modules/failure-handling"

  name       = var.name_prefix
  partition  = local.partition
  region     = local.region
  account_id = local.account_id

  event_rule_arns                     = concat([for rule in aws_cloudwatch_event_rule.root_activity : rule.arn], local.tamper_event_rule_arns)
  dead_letter_queue_kms_key_arn       = var.queue_kms_key_arn
  create_direct_alarm                 = var.create_tamper_alerts
  direct_alarm_event_pattern          = local.tamper_path_event_pattern
  direct_alarm_member_publishers      = local.region == local.spoke_role_region ? local.spoke_tamper_path_publishers : null
  dead_letter_queue_alarm_description = "Root events that never reached Slack wait in ${var.name_prefix}-dlq. Put them back through the notifier with SQS's dead-letter queue redrive: aws sqs start-message-move-task --source-arn <this queue's ARN> --destination-arn <the ${var.name_prefix}-sign-ins-and-changes queue's ARN>."

  alarms = merge(
    {
      lambda-errors = {
        description = "The root activity notifier failed: root events may not have reached Slack. Its log group says why; SQS delivers them again, then keeps them in ${var.name_prefix}-dlq."
        namespace   = "AWS/Lambda"
        metric_name = "Errors"
        dimensions  = { FunctionName = aws_lambda_function.notifier.function_name }
        statistic   = "Sum"
        period      = 60
      }
      lambda-throttles = {
        description = "The root activity notifier could not run (throttled): root events wait in its queues, and the health check itself may not run. A reserved concurrency of 0 stops it entirely: aws lambda delete-function-concurrency --function-name ${aws_lambda_function.notifier.function_name}."
        namespace   = "AWS/Lambda"
        metric_name = "Throttles"
        dimensions  = { FunctionName = aws_lambda_function.notifier.function_name }
        statistic   = "Sum"
        period      = 300
      }
    },
    {
      for filter in aws_cloudwatch_log_metric_filter.interactions_refused : "interactions-refused" => {
        description = "The interactivity endpoint (${local.interactions_function_name}) refused a request that was not Slack's own: a wrong or missing signature, a stale or replayed request, another content type, an oversized body or an action the notifier never offered. Its log lines (message \"interaction refused\") give the reason and the source IP: a wrong signing secret refuses every click; many from one address are someone probing the public URL."
        namespace   = local.metric_namespace
        metric_name = filter.metric_transformation[0].name
        dimensions  = {}
        statistic   = "Sum"
        period      = 300
      }
    },
    {
      for name, filter in aws_cloudwatch_log_metric_filter.notifier : name => {
        description = local.log_metric_alarms[name].description
        namespace   = local.metric_namespace
        metric_name = filter.metric_transformation[0].name
        dimensions  = {}
        statistic   = "Sum"
        period      = 60
      }
    },
    {
      for path, rule in aws_cloudwatch_event_rule.root_activity : (path == "sign-ins-and-changes" ? "rule-failed-invocations" : "${path}-rule-failed-invocations") => {
        description = "EventBridge could not put root activity (${path}) on the notifier's queue; the events are retried, then kept in ${var.name_prefix}-dlq."
        namespace   = "AWS/Events"
        metric_name = "FailedInvocations"
        dimensions  = { RuleName = rule.name }
        statistic   = "Sum"
        period      = 60
      }
    },
    {
      for rule in local.tamper_event_rules : "${rule}-rule-failed-invocations" => {
        description = "EventBridge could not put a change to the notifier's own resources (${rule}) on its queue; the events are retried, then kept in ${var.name_prefix}-dlq."
        namespace   = "AWS/Events"
        metric_name = "FailedInvocations"
        dimensions  = { RuleName = "${var.name_prefix}-${rule}" }
        statistic   = "Sum"
        period      = 60
      }
    },
  )

  alarm_notification = {
    create_alarms         = var.create_alarms
    sns_topic_arn         = var.alarm_sns_topic_arn
    sns_topic_kms_key_arn = var.alarm_sns_topic_kms_key_arn
    email_addresses       = var.alarm_email_addresses
  }

  tags = var.tags
}

check "alarms_reach_someone" {
  assert {
    condition     = !var.create_alarms || var.alarm_sns_topic_arn != null || length(var.alarm_email_addresses) > 0
    error_message = "The failure alarms notify a new SNS topic that nobody subscribes to, so a root event that never reaches Slack would go unnoticed. Set alarm_email_addresses, or alarm_sns_topic_arn to a topic someone reads."
  }
}
