locals {
  trail_name   = "${var.name_prefix}-trail"
  trail_arn    = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
  trail_bucket = "${var.name_prefix}-trail-${local.account_id}-${local.region}"
}

resource "aws_cloudtrail" "this" {
  count = var.create_trail ? 1 : 0

  #checkov:skip=CKV_AWS_35:SSE-KMS is optional (trail_kms_key_arn); log files are encrypted with SSE-S3 by default.
  #checkov:skip=CKV_AWS_252:The trail feeds EventBridge, which is how this module is notified; an SNS topic per log file adds nothing.
  #checkov:skip=CKV2_AWS_10:Root activity reaches the function through EventBridge; CloudWatch Logs delivery of the trail is not needed for it.
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.trail[0].id
  is_multi_region_trail         = true
  is_organization_trail         = local.organization
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = var.trail_kms_key_arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags = var.tags

  depends_on = [aws_s3_bucket_policy.trail]

  lifecycle {
    precondition {
      condition     = var.trail_arn_to_watch == null
      error_message = "trail_arn_to_watch (\"${coalesce(var.trail_arn_to_watch, "-")}\") is set with create_trail = true, which makes and watches the module's own trail: the other trail would not be watched. Remove trail_arn_to_watch, or set create_trail = false to rely on that trail."
    }
    precondition {
      condition     = !local.organization || local.hub_is_management_account
      error_message = "With scope \"organization\", create_trail makes an organization trail, which only the management account can create here. In a delegated administrator hub, set create_trail = false and rely on the organization's existing trail."
    }
  }
}

resource "aws_s3_bucket" "trail" {
  count = var.create_trail ? 1 : 0

  #checkov:skip=CKV_AWS_144:Cross-region replication of trail logs is an organisation-wide choice outside this module.
  #checkov:skip=CKV_AWS_145:SSE-KMS is optional (trail_kms_key_arn); SSE-S3 encrypts the bucket by default.
  #checkov:skip=CKV2_AWS_62:Nothing needs to react to new log files; EventBridge already has the events.
  #checkov:skip=CKV_AWS_18:Server access logging is optional (trail_bucket_access_log_bucket).
  bucket        = local.trail_bucket
  force_destroy = var.trail_bucket_force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "trail" {
  count = var.create_trail ? 1 : 0

  bucket                  = aws_s3_bucket.trail[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.trail_kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.trail_kms_key_arn
    }
    bucket_key_enabled = var.trail_kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  rule {
    id     = "expire-trail-logs"
    status = "Enabled"
    filter {}
    expiration {
      days = var.trail_bucket_log_expiration_days
    }
    noncurrent_version_expiration {
      noncurrent_days = var.trail_bucket_log_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_logging" "trail" {
  count = var.create_trail && var.trail_bucket_access_log_bucket != null ? 1 : 0

  bucket        = aws_s3_bucket.trail[0].id
  target_bucket = var.trail_bucket_access_log_bucket
  target_prefix = "${local.trail_bucket}/"
}

data "aws_iam_policy_document" "trail_bucket" {
  count = var.create_trail ? 1 : 0

  statement {
    sid       = "CloudTrailAclCheck"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.trail[0].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid     = "CloudTrailWrite"
    actions = ["s3:PutObject"]
    # An organization trail writes each member account's logs under the organization's ID.
    resources = concat(
      ["${aws_s3_bucket.trail[0].arn}/AWSLogs/${local.account_id}/*"],
      local.organization ? ["${aws_s3_bucket.trail[0].arn}/AWSLogs/${local.organization_id}/*"] : [],
    )
    principals {
      type        = "Service"
      identifiers = ["cloudtrail.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.trail_arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.trail[0].arn, "${aws_s3_bucket.trail[0].arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "trail" {
  count = var.create_trail ? 1 : 0

  bucket = aws_s3_bucket.trail[0].id
  policy = data.aws_iam_policy_document.trail_bucket[0].json

  depends_on = [aws_s3_bucket_public_access_block.trail]
}

check "a_trail_is_watched" {
  assert {
    condition     = var.create_trail || var.trail_arn_to_watch != null
    error_message = "create_trail = false and trail_arn_to_watch is null: no trail is watched, so a trail stopped or deleted goes unannounced and the health check cannot see that root activity is still recorded. Set trail_arn_to_watch to the ARN of the trail the notifier relies on."
  }
}
