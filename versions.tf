terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.27.0 added the EventBridge rule `state` argument this module relies on.
      version = ">= 5.27.0"
      # Root console sign-ins are recorded in us-east-1 only; the module forwards them from there.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
