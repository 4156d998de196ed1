# Mocked AWS values shared by every *.tftest.hcl: fixed account, region and ARNs, so that
# assertions can name the exact ARNs policies must be scoped to.

mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/root-activity-notifier" }
}
# Policy documents are checked by their statements in the runs; the JSON only has to be valid.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_region" {
  defaults = { name = "ap-northeast-1" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:ap-northeast-1:123456789012:rule/root-activity-notifier" }
}
mock_resource "aws_sqs_queue" {
  defaults = { arn = "arn:aws:sqs:ap-northeast-1:123456789012:root-activity-notifier-dlq" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/root-activity-notifier" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:ap-northeast-1:123456789012:function:root-activity-notifier" }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:ap-northeast-1:123456789012:root-activity-notifier-alarms" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::root-activity-notifier-trail-123456789012-ap-northeast-1" }
}
