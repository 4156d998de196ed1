locals {
  home_event_bus_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/default"
  forwarder_role_arn = var.create_forwarder_role ? aws_iam_role.forwarder[0].arn : var.forwarder_role_arn
}

data "aws_iam_policy_document" "forwarder_assume_role" {
  count = var.create_forwarder_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Used by the rules of modules/region-forwarder in every other region to put root activity on this
# region's default bus, and for nothing else.
resource "aws_iam_role" "forwarder" {
  count = var.create_forwarder_role ? 1 : 0

  name                 = "${var.name_prefix}-forwarder"
  path                 = var.lambda_role_path
  assume_role_policy   = data.aws_iam_policy_document.forwarder_assume_role[0].json
  permissions_boundary = var.lambda_role_permissions_boundary
  tags                 = var.tags
}

data "aws_iam_policy_document" "forwarder" {
  count = var.create_forwarder_role ? 1 : 0

  statement {
    sid       = "PutOnHomeBusOnly"
    actions   = ["events:PutEvents"]
    resources = [local.home_event_bus_arn]
  }
}

resource "aws_iam_role_policy" "forwarder" {
  count = var.create_forwarder_role ? 1 : 0

  name   = "put-events-on-home-bus"
  role   = aws_iam_role.forwarder[0].id
  policy = data.aws_iam_policy_document.forwarder[0].json
}
