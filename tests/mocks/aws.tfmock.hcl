# The mocked AWS account and home region shared by every *.tftest.hcl. Only what the provider reads
# (the default bus, and the ARN parsed from it) is fixed here; resource ARNs are left to the mock, so
# runs compare the module's references with each other, never with a name that happens to match.

mock_data "aws_cloudwatch_event_bus" {
  defaults = { arn = "arn:aws:events:ap-northeast-1:123456789012:event-bus/default" }
}
mock_data "aws_arn" {
  defaults = { partition = "aws", region = "ap-northeast-1", account = "123456789012" }
}
# Policy documents are checked by their statements in the runs; the JSON only has to be valid.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
# Provider-assigned ARNs must have an ARN's shape; their names are deliberately not the module's, so
# an assertion can only pass by comparing the module's own references.
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/mock-role" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:ap-northeast-1:123456789012:rule/mock-rule" }
}
mock_resource "aws_sqs_queue" {
  defaults = { arn = "arn:aws:sqs:ap-northeast-1:123456789012:mock-queue" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:ap-northeast-1:123456789012:log-group:mock-log-group" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:ap-northeast-1:123456789012:function:mock-function" }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:ap-northeast-1:123456789012:mock-topic" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::mock-bucket" }
}
mock_resource "aws_cloudwatch_event_bus" {
  defaults = { arn = "arn:aws:events:ap-northeast-1:123456789012:event-bus/mock-bus" }
}
mock_resource "aws_dynamodb_table" {
  defaults = { arn = "arn:aws:dynamodb:ap-northeast-1:123456789012:table/mock-table" }
}
