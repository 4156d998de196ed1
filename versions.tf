terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.27.0 added the EventBridge rule `state` argument; 5.67.0 aws_cloudformation_stack_instances
      # (scope "organization": every region of a StackSet in one operation).
      version = ">= 5.67.0"
      # Root console sign-ins are recorded in us-east-1 only; the module forwards them from there.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
