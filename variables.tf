################################################################################
# General
################################################################################

variable "name_prefix" {
  description = "Prefix of every resource name (function, roles, rule, queue, topic, trail, bucket). At most 29 characters: the trail bucket adds 34 (-trail-ACCOUNT-REGION) and S3 allows 63."
  type        = string
  default     = "root-activity-notifier"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,28}$", var.name_prefix))
    error_message = "name_prefix must be 1 to 29 lowercase letters, digits or hyphens, starting with a letter or digit (S3 bucket names are lowercase, and the trail bucket adds 34 characters to stay within S3's 63); got \"${var.name_prefix}\" (${length(var.name_prefix)} characters)."
  }
}

variable "scope" {
  description = "What the notifier watches. \"account\": this account, in every region its forwarders cover. \"organization\": every account of the AWS Organization: a hub event bus in this account takes root activity from a StackSet-deployed rule in every member account and region (see the stack_set_* variables)."
  type        = string
  default     = "account"

  validation {
    condition     = contains(["account", "organization"], var.scope)
    error_message = "scope must be \"account\" or \"organization\"; got \"${var.scope}\"."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}

################################################################################
# Slack
################################################################################

variable "slack_webhook_url" {
  description = "Slack incoming webhook URL (https://hooks.slack.com/...). The module stores it in an SSM SecureString; it never appears in the Lambda environment. Leading and trailing white space (a file() read keeps its newline) is removed. Set exactly one of slack_webhook_url, slack_webhook_ssm_parameter_name, slack_bot_token and slack_bot_token_ssm_parameter_name."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.slack_webhook_url == null || can(regex("^https://hooks\\.slack(-gov)?\\.com/[^\\s]+$", trimspace(coalesce(var.slack_webhook_url, "-"))))
    error_message = "slack_webhook_url must be a Slack incoming webhook URL: https://hooks.slack.com/ followed by its path, with no white space inside (the value is not repeated here because it is a secret)."
  }
}

variable "slack_webhook_ssm_parameter_name" {
  description = "Name of an existing SSM SecureString parameter holding the webhook URL, created outside Terraform so the URL never enters the state. Set exactly one of slack_webhook_url, slack_webhook_ssm_parameter_name, slack_bot_token and slack_bot_token_ssm_parameter_name."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_ssm_parameter_name == null || can(regex("^/?[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$", var.slack_webhook_ssm_parameter_name))
    error_message = "slack_webhook_ssm_parameter_name must be an SSM parameter name such as /root-activity-notifier/slack-webhook-url; got \"${coalesce(var.slack_webhook_ssm_parameter_name, "null")}\"."
  }
}

variable "slack_webhook_kms_key_arn" {
  description = "KMS key ARN that encrypts the webhook parameter (the one the module creates, or the existing one). Null means the AWS managed key alias/aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.slack_webhook_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.slack_webhook_kms_key_arn))
    error_message = "slack_webhook_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.slack_webhook_kms_key_arn, "null")}\"."
  }
}

variable "slack_bot_token" {
  description = "Slack app mode: the app's Bot User OAuth Token (xoxb-...). The module stores it in an SSM SecureString; it never appears in the Lambda environment. Set exactly one of slack_webhook_url, slack_webhook_ssm_parameter_name, slack_bot_token and slack_bot_token_ssm_parameter_name."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.slack_bot_token == null || can(regex("^xoxb-[A-Za-z0-9-]{10,250}$", trimspace(coalesce(var.slack_bot_token, "-"))))
    error_message = "slack_bot_token must be a Slack app's bot token: xoxb- followed by letters, digits and dashes, from the app's OAuth & Permissions page (the value is not repeated here because it is a secret)."
  }
}

variable "slack_bot_token_ssm_parameter_name" {
  description = "Slack app mode: name of an existing SSM SecureString parameter holding the bot token, created outside Terraform so the token never enters the state. Set exactly one of slack_webhook_url, slack_webhook_ssm_parameter_name, slack_bot_token and slack_bot_token_ssm_parameter_name."
  type        = string
  default     = null

  validation {
    condition     = var.slack_bot_token_ssm_parameter_name == null || can(regex("^/?[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*$", var.slack_bot_token_ssm_parameter_name))
    error_message = "slack_bot_token_ssm_parameter_name must be an SSM parameter name such as /root-activity-notifier/slack-bot-token; got \"${coalesce(var.slack_bot_token_ssm_parameter_name, "null")}\"."
  }
}

variable "slack_bot_token_kms_key_arn" {
  description = "KMS key ARN that encrypts the bot token parameter (the one the module creates, or the existing one). Null means the AWS managed key alias/aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.slack_bot_token_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.slack_bot_token_kms_key_arn))
    error_message = "slack_bot_token_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.slack_bot_token_kms_key_arn, "null")}\"."
  }
}

variable "slack_channel_id" {
  description = "Slack app mode: ID of the channel messages go to, such as C0123ABCDEF (in Slack: the channel's name, then About). Invite the app to it. Required with a bot token; a webhook posts to its own channel."
  type        = string
  default     = null

  validation {
    condition     = var.slack_channel_id == null || can(regex("^[CGD][A-Z0-9]{8,20}$", coalesce(var.slack_channel_id, "-")))
    error_message = "slack_channel_id must be a Slack channel ID such as C0123ABCDEF (the ID, not the #name: the channel's About tab shows it); got \"${coalesce(var.slack_channel_id, "null")}\"."
  }
}

variable "slack_channel_routes" {
  description = "Slack app mode: channel IDs by account ID, e.g. { \"111122223333\" = \"C0123ABCDEF\" }, so that each team's accounts go to its channel (an sts:AssumeRoot call goes by the account it opens). Accounts not in the map go to slack_channel_id. Invite the app to every channel."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for id, channel in var.slack_channel_routes : can(regex("^[0-9]{12}$", id)) && can(regex("^[CGD][A-Z0-9]{8,20}$", channel))])
    error_message = "slack_channel_routes must map 12-digit account IDs to Slack channel IDs such as C0123ABCDEF; got ${jsonencode(var.slack_channel_routes)}."
  }
}

variable "slack_interactivity" {
  description = "Slack app mode: a critical root session's parent asks whether it was expected (Expected, with a reason; Not expected, which pages on-call), and the module creates the interactivity endpoint that takes the answers: a second function behind a function URL that verifies every request with the app's signing secret. Needs slack_signing_secret or slack_signing_secret_ssm_parameter_name; put output slack_interactivity_url in the app's manifest."
  type        = bool
  default     = false
  nullable    = false
}

variable "slack_signing_secret" {
  description = "With slack_interactivity: the Slack app's signing secret (Basic Information, App Credentials). The module stores it in an SSM SecureString parameter; it is in the Terraform state. Null to use slack_signing_secret_ssm_parameter_name instead."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.slack_signing_secret == null || can(regex("^[A-Za-z0-9]{20,128}$", trimspace(coalesce(var.slack_signing_secret, "-"))))
    error_message = "slack_signing_secret must be the app's signing secret: 20 to 128 letters and digits, from Basic Information, App Credentials (not the client secret, not a token)."
  }
}

variable "slack_signing_secret_ssm_parameter_name" {
  description = "With slack_interactivity: name of an existing SSM SecureString parameter holding the signing secret, so that it never enters the Terraform state. Null to let the module store slack_signing_secret."
  type        = string
  default     = null

  validation {
    condition     = var.slack_signing_secret_ssm_parameter_name == null || can(regex("^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", coalesce(var.slack_signing_secret_ssm_parameter_name, "-")))
    error_message = "slack_signing_secret_ssm_parameter_name must be an SSM parameter name such as /team/slack/signing-secret; got \"${coalesce(var.slack_signing_secret_ssm_parameter_name, "null")}\"."
  }
}

variable "slack_signing_secret_kms_key_arn" {
  description = "KMS key ARN that encrypts the signing secret's parameter (the one the module creates, or the existing one). Null means the AWS managed key alias/aws/ssm."
  type        = string
  default     = null

  validation {
    condition     = var.slack_signing_secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.slack_signing_secret_kms_key_arn))
    error_message = "slack_signing_secret_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.slack_signing_secret_kms_key_arn, "null")}\"."
  }
}

variable "slack_responder_user_ids" {
  description = "With slack_interactivity: the Slack user IDs (U0123ABCD) that may answer whether root use was expected. Anyone else is told so privately, and nothing changes. Empty: anyone in the channel may answer."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for user in var.slack_responder_user_ids : can(regex("^[UW][A-Z0-9]{2,30}$", user))])
    error_message = "slack_responder_user_ids must hold Slack user IDs such as U0123ABCD (a profile's ⋮ menu, Copy member ID), not names; got ${jsonencode(var.slack_responder_user_ids)}."
  }
}

variable "slack_interactivity_reserved_concurrency" {
  description = "Reserved concurrency of the interactivity endpoint's function: its URL is public (Slack cannot sign AWS requests), so this bounds what anyone can make it cost; a few people answer at once."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.slack_interactivity_reserved_concurrency >= 1 && var.slack_interactivity_reserved_concurrency <= 100
    error_message = "slack_interactivity_reserved_concurrency must be from 1 to 100; got ${var.slack_interactivity_reserved_concurrency}."
  }
}

variable "slack_session_idle_minutes" {
  description = "Minutes a root session may be idle before its next event starts a new one: in Slack app mode a new parent message (which links to the old one), with a webhook new first messages."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.slack_session_idle_minutes >= 1 && var.slack_session_idle_minutes <= 1440 && floor(var.slack_session_idle_minutes) == var.slack_session_idle_minutes
    error_message = "slack_session_idle_minutes must be a whole number of minutes from 1 to 1440; got ${var.slack_session_idle_minutes}."
  }
}

variable "slack_webhook_digest_minutes" {
  description = "Webhook mode: a root session's first messages go at once, and so does each new kind of sign-in or critical event; its further changes and read-only calls are posted as one digest with exact totals at most this often (minutes)."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.slack_webhook_digest_minutes >= 1 && var.slack_webhook_digest_minutes <= 15 && floor(var.slack_webhook_digest_minutes) == var.slack_webhook_digest_minutes
    error_message = "slack_webhook_digest_minutes must be a whole number of minutes from 1 to 15 (SQS delays a follow-up 15 minutes at most); got ${var.slack_webhook_digest_minutes}."
  }
}

variable "slack_session_table_kms_key_arn" {
  description = "KMS key ARN that encrypts the session table (DynamoDB). Null means DynamoDB's AWS owned key."
  type        = string
  default     = null

  validation {
    condition     = var.slack_session_table_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.slack_session_table_kms_key_arn))
    error_message = "slack_session_table_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.slack_session_table_kms_key_arn, "null")}\"."
  }
}

variable "slack_mention" {
  description = "Mention added to critical alerts: \"here\", \"channel\", \"<!subteam^S0123ABCD>\" (a user group) or \"<@U0123ABCD>\" (a user). Empty for none."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(|@?here|@?channel|<!here>|<!channel>|<!subteam\\^[A-Z0-9]{2,30}>|<@[UW][A-Z0-9]{2,30}>)$", var.slack_mention))
    error_message = "slack_mention must be \"here\", \"channel\", \"<!subteam^S0123ABCD>\", \"<@U0123ABCD>\" or empty; got \"${var.slack_mention}\"."
  }
}

variable "message_language" {
  description = "Language of the Slack messages: \"en\" or \"ja\"."
  type        = string
  default     = "en"

  validation {
    condition     = contains(["en", "ja"], var.message_language)
    error_message = "message_language must be \"en\" or \"ja\"; got \"${var.message_language}\"."
  }
}

variable "message_time_zone" {
  description = "IANA time zone of the readable time in messages, e.g. \"Asia/Tokyo\". Checked at plan time against the zone list the module carries (data/time-zones.txt). Slack also shows each reader their own local time."
  type        = string
  default     = "UTC"
}

variable "account_label" {
  description = "Label shown after the account ID in messages, e.g. \"production\". Empty for none."
  type        = string
  default     = ""

  validation {
    condition     = length(var.account_label) <= 100
    error_message = "account_label must be at most 100 characters; got ${length(var.account_label)}."
  }
}

variable "account_labels" {
  description = "Labels shown after account IDs in messages, by account ID, e.g. { \"111122223333\" = \"production\" }: the names of an organization's member accounts, without giving the function access to the Organizations API. An account in this map takes its label from here rather than from account_label."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for id, label in var.account_labels : can(regex("^[0-9]{12}$", id)) && length(label) >= 1 && length(label) <= 100])
    error_message = "account_labels must map 12-digit account IDs to labels of 1 to 100 characters; got ${jsonencode(var.account_labels)}."
  }
}

################################################################################
# Escalation
################################################################################

variable "escalation_sns_topic_arn" {
  description = "Existing standard SNS topic that pages on-call (PagerDuty, Opsgenie and e-mail subscribe to SNS). Critical root activity (a sign-in without MFA, a root credential changed, MFA removed, logging disabled, the notifier changed) is published to it once per root session and kind, before Slack is tried, so a Slack outage still pages. Null: no paging."
  type        = string
  default     = null

  validation {
    condition     = var.escalation_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.escalation_sns_topic_arn))
    error_message = "escalation_sns_topic_arn must be a standard SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME; paging tools cannot subscribe to a .fifo topic); got \"${coalesce(var.escalation_sns_topic_arn, "null")}\"."
  }
}

variable "escalation_after_minutes" {
  description = "With slack_interactivity: minutes a critical root session waits for someone to answer in Slack before on-call is paged (\"Not expected\" pages at once; \"Expected\" for everything critical it did pages no one; a question Slack did not take pages at once). At most 15: the check comes back as a delayed message on the function's own queue. Without interactivity, critical activity pages at once."
  type        = number
  default     = 15
  nullable    = false

  validation {
    condition     = var.escalation_after_minutes >= 1 && var.escalation_after_minutes <= 15 && floor(var.escalation_after_minutes) == var.escalation_after_minutes
    error_message = "escalation_after_minutes must be a whole number of minutes from 1 to 15 (SQS's longest delay); got ${var.escalation_after_minutes}."
  }
}

variable "escalation_sns_topic_kms_key_arn" {
  description = "Customer managed KMS key ARN the escalation topic is encrypted with: the function may use it only through SNS (the key's policy must allow the function's role too). Null for a topic that is unencrypted or uses the AWS managed key alias/aws/sns."
  type        = string
  default     = null

  validation {
    condition     = var.escalation_sns_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.escalation_sns_topic_kms_key_arn))
    error_message = "escalation_sns_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.escalation_sns_topic_kms_key_arn, "null")}\"."
  }
}

################################################################################
# CloudTrail
################################################################################

variable "create_trail" {
  description = "Create a multi-region CloudTrail trail and its S3 bucket; with scope \"organization\", an organization trail (this must be the management account). Set to false where a logging trail already records management events (read and write) in every region, of every account for an organization (an organization or Control Tower trail does): a second copy of management events costs about $2 per 100,000 events. Without any such trail, EventBridge receives no CloudTrail events at all."
  type        = bool
  default     = true
}

variable "trail_kms_key_arn" {
  description = "KMS key ARN that encrypts the trail's log files and bucket (SSE-KMS). Null means SSE-S3. The key policy must let CloudTrail use it."
  type        = string
  default     = null

  validation {
    condition     = var.trail_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.trail_kms_key_arn))
    error_message = "trail_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.trail_kms_key_arn, "null")}\"."
  }
}

variable "trail_bucket_log_expiration_days" {
  description = "Days after which the trail's log files (and their noncurrent versions) are deleted from the bucket."
  type        = number
  default     = 365

  validation {
    condition     = var.trail_bucket_log_expiration_days >= 1 && floor(var.trail_bucket_log_expiration_days) == var.trail_bucket_log_expiration_days
    error_message = "trail_bucket_log_expiration_days must be a whole number of days, at least 1; got ${var.trail_bucket_log_expiration_days}."
  }
}

variable "trail_bucket_access_log_bucket" {
  description = "Name of an existing bucket that receives S3 server access logs of the trail bucket. Null for none."
  type        = string
  default     = null
}

variable "trail_bucket_force_destroy" {
  description = "Let `terraform destroy` delete the trail bucket even though it holds log files."
  type        = bool
  default     = false
}

################################################################################
# EventBridge rule
################################################################################

variable "event_rule_mode" {
  description = "\"all\": every root console sign-in and API call. \"login-only\": root console sign-ins (success and failure) only."
  type        = string
  default     = "all"

  validation {
    condition     = contains(["all", "login-only"], var.event_rule_mode)
    error_message = "event_rule_mode must be \"all\" or \"login-only\"; got \"${var.event_rule_mode}\"."
  }
}

variable "event_rule_include_read_only_events" {
  description = "Also deliver read-only calls (ListAccessKeys, Describe...). A rule in the plain ENABLED state never receives them; this sets ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS."
  type        = bool
  default     = true
}

variable "event_rule_excluded_event_names" {
  description = "CloudTrail event names never announced, e.g. [\"GetCallerIdentity\"]. Exclusion is by name only: never by invokedBy, since root console actions carry invokedBy signin.amazonaws.com."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for name in var.event_rule_excluded_event_names : can(regex("^[A-Za-z0-9]+$", name))])
    error_message = "event_rule_excluded_event_names must hold CloudTrail event names such as \"GetCallerIdentity\"; got ${jsonencode(var.event_rule_excluded_event_names)}."
  }

  # The critical event names (lambda/root_activity_notifier/classify.py, CRITICAL_EVENT_NAMES).
  validation {
    condition = length(setintersection(var.event_rule_excluded_event_names, [
      "ConsoleLogin", "CreateAccessKey", "UploadSigningCertificate", "PasswordUpdated", "PasswordRecoveryRequested",
      "PasswordRecoveryCompleted", "EmailUpdated", "DeactivateMFADevice", "DeleteVirtualMFADevice", "StopLogging",
      "DeleteTrail", "DeleteEventDataStore", "StopEventDataStoreIngestion",
    ])) == 0
    error_message = "event_rule_excluded_event_names must not contain a critical event name (a console sign-in, a change to the root user's credentials or MFA, logging stopped or deleted): those are what this module exists to announce; got ${jsonencode(var.event_rule_excluded_event_names)}. Remove them from the list."
  }
}

variable "event_rule_include_assume_root" {
  description = "With scope \"organization\": also announce sts:AssumeRoot calls (centralized root access, taken from the management or a delegated administrator account), naming who took root access to which member account."
  type        = bool
  default     = true
}

variable "event_target_maximum_retry_attempts" {
  description = "Times EventBridge retries delivering an event to the rule's target (the delivery queue; for a forwarder, the home bus) before the event goes to the dead-letter queue."
  type        = number
  default     = 185

  validation {
    condition     = var.event_target_maximum_retry_attempts >= 0 && var.event_target_maximum_retry_attempts <= 185
    error_message = "event_target_maximum_retry_attempts must be from 0 to 185; got ${var.event_target_maximum_retry_attempts}."
  }
}

variable "event_target_maximum_event_age" {
  description = "Seconds EventBridge keeps retrying an event before it goes to the dead-letter queue."
  type        = number
  default     = 86400

  validation {
    condition     = var.event_target_maximum_event_age >= 60 && var.event_target_maximum_event_age <= 86400
    error_message = "event_target_maximum_event_age must be from 60 to 86400 seconds; got ${var.event_target_maximum_event_age}."
  }
}

################################################################################
# Tamper alerts
################################################################################

variable "create_tamper_alerts" {
  description = "Create rules that announce changes, by anyone, to the notifier's own resources (its trail, rules, queues, function, event source mappings, webhook parameter, alarm topic and alarms, roles; with scope \"organization\" also its StackSet, trusted access and members leaving), on the home bus, in the forwarders and in the spokes. Each is a critical alert; a principal in tamper_expected_principals gets a calm label instead."
  type        = bool
  default     = true
}

variable "tamper_expected_principals" {
  description = "Principals whose changes to the notifier are expected (a CI deployer role applying this module), by IAM role or user ARN, with the label their alerts carry, e.g. { \"arn:aws:iam::111122223333:role/ci-deployer\" = \"deployer role\" }. Their changes are still posted, labelled \"expected: deployer role\", at low severity and without a mention. A role matches every session of it."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for arn, label in var.tamper_expected_principals : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn)) && length(label) >= 1 && length(label) <= 60])
    error_message = "tamper_expected_principals must map IAM role or user ARNs (arn:aws:iam::ACCOUNT:role/NAME) to labels of 1 to 60 characters; got ${jsonencode(var.tamper_expected_principals)}."
  }
}

variable "trail_arn_to_watch" {
  description = "With create_trail = false: ARN of the existing trail the notifier relies on, so that stopping, deleting or changing it is announced (and the health check reads its status). Null to watch no trail."
  type        = string
  default     = null

  validation {
    condition     = var.trail_arn_to_watch == null || can(regex("^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:[0-9]{12}:trail/.+$", var.trail_arn_to_watch))
    error_message = "trail_arn_to_watch must be a CloudTrail trail ARN (arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME); got \"${coalesce(var.trail_arn_to_watch, "null")}\"."
  }
}

################################################################################
# Health check
################################################################################

variable "health_check_schedule" {
  description = "EventBridge Scheduler expression of the health check, e.g. \"rate(1 day)\" or \"cron(0 9 * * ? *)\": whether the trail is logging, every rule has its state, the event source mappings are enabled, the function may run, the dead-letter queues are empty, the webhook parameter is readable and, with scope \"organization\", every stack instance is current. It posts to Slack only when something is wrong. Null to switch it off."
  type        = string
  default     = "rate(1 day)"

  validation {
    condition     = var.health_check_schedule == null || can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", coalesce(var.health_check_schedule, "-")))
    error_message = "health_check_schedule must be an EventBridge Scheduler rate or cron expression such as \"rate(1 day)\" or \"cron(0 9 * * ? *)\", or null; got \"${coalesce(var.health_check_schedule, "null")}\"."
  }
}

variable "health_check_at_apply" {
  description = "Run the health check once at apply (again when what it checks changes), so that a misconfiguration that would blind the notifier, such as a misspelled slack_webhook_ssm_parameter_name, fails the apply with the check's message before any root event is lost."
  type        = bool
  default     = true
}

################################################################################
# Delivery queues
################################################################################

variable "queue_batching_window" {
  description = "Seconds the sign-ins-and-changes queue gathers root activity before the function reads it: the most a sign-in waits before it goes to Slack."
  type        = number
  default     = 5

  validation {
    condition     = var.queue_batching_window >= 1 && var.queue_batching_window <= 300 && floor(var.queue_batching_window) == var.queue_batching_window
    error_message = "queue_batching_window must be a whole number of seconds from 1 to 300 (10 or less keeps sign-in alerts prompt); got ${var.queue_batching_window}."
  }
}

variable "read_only_queue_batching_window" {
  description = "Seconds the read-only queue gathers read-only root calls before the function reads them, so that a browsing session becomes a few summaries."
  type        = number
  default     = 300

  validation {
    condition     = var.read_only_queue_batching_window >= 1 && var.read_only_queue_batching_window <= 300 && floor(var.read_only_queue_batching_window) == var.read_only_queue_batching_window
    error_message = "read_only_queue_batching_window must be a whole number of seconds from 1 to 300; got ${var.read_only_queue_batching_window}."
  }
}

variable "queue_maximum_concurrency" {
  description = "Most concurrent function invocations each queue starts. Slack takes about one message a second per webhook, so more rarely helps."
  type        = number
  default     = 2

  validation {
    condition     = var.queue_maximum_concurrency >= 2 && var.queue_maximum_concurrency <= 1000 && floor(var.queue_maximum_concurrency) == var.queue_maximum_concurrency
    error_message = "queue_maximum_concurrency must be a whole number from 2 (Lambda's minimum) to 1000; got ${var.queue_maximum_concurrency}."
  }
}

variable "queue_max_receive_count" {
  description = "Times the function receives a root event that did not reach Slack before SQS moves it to the dead-letter queue (and the alarm fires)."
  type        = number
  default     = 5

  validation {
    condition     = var.queue_max_receive_count >= 1 && var.queue_max_receive_count <= 1000 && floor(var.queue_max_receive_count) == var.queue_max_receive_count
    error_message = "queue_max_receive_count must be a whole number from 1 to 1000; got ${var.queue_max_receive_count}."
  }
}

################################################################################
# Lambda
################################################################################

variable "lambda_package_path" {
  description = "Path of a Lambda zip to deploy instead of the package shipped with the module (built by `make package`). Its handler must be root_activity_notifier.handler.lambda_handler."
  type        = string
  default     = null
}

variable "lambda_runtime" {
  description = "Lambda runtime of the function."
  type        = string
  default     = "python3.13"

  validation {
    condition     = contains(["python3.10", "python3.11", "python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be one of python3.10, python3.11, python3.12, python3.13; got \"${var.lambda_runtime}\"."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of the function: \"arm64\" or \"x86_64\"."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"arm64\" or \"x86_64\"; got \"${var.lambda_architecture}\"."
  }
}

variable "lambda_memory_size" {
  description = "Memory of the function in MB."
  type        = number
  default     = 128

  validation {
    condition     = var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240
    error_message = "lambda_memory_size must be from 128 to 10240 MB; got ${var.lambda_memory_size}."
  }
}

variable "lambda_timeout" {
  description = "Timeout of the function in seconds; delivery retries (Slack 429 and 5xx) stop one second before it. A batch posts about one message a second, so allow a few seconds per root session in a batch. The queues' visibility timeout is six times this, plus the batching window."
  type        = number
  default     = 60

  validation {
    condition     = var.lambda_timeout >= 5 && var.lambda_timeout <= 900
    error_message = "lambda_timeout must be from 5 to 900 seconds; got ${var.lambda_timeout}."
  }
}

variable "lambda_reserved_concurrent_executions" {
  description = "Reserved concurrency of the function. Null for unreserved. Slack accepts about one message per second per webhook."
  type        = number
  default     = null

  validation {
    condition     = var.lambda_reserved_concurrent_executions == null || try(var.lambda_reserved_concurrent_executions >= 1, false)
    error_message = "lambda_reserved_concurrent_executions must be null or at least 1 (0 would stop every alert); got ${coalesce(var.lambda_reserved_concurrent_executions, -1)}."
  }
}

variable "lambda_tracing_mode" {
  description = "X-Ray tracing of the function: null (off), \"PassThrough\" or \"Active\"."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_tracing_mode == null || contains(["PassThrough", "Active"], coalesce(var.lambda_tracing_mode, "-"))
    error_message = "lambda_tracing_mode must be null, \"PassThrough\" or \"Active\"; got \"${coalesce(var.lambda_tracing_mode, "null")}\"."
  }
}

variable "lambda_log_retention_days" {
  description = "Days the function's CloudWatch log group keeps its logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.lambda_log_retention_days)
    error_message = "lambda_log_retention_days must be a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653); got ${var.lambda_log_retention_days}."
  }
}

variable "lambda_log_kms_key_arn" {
  description = "KMS key ARN that encrypts the function's log group. Null for CloudWatch Logs' default encryption."
  type        = string
  default     = null

  validation {
    condition     = var.lambda_log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.lambda_log_kms_key_arn))
    error_message = "lambda_log_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.lambda_log_kms_key_arn, "null")}\"."
  }
}

variable "iam_role_permissions_boundary" {
  description = "ARN of a permissions boundary policy for every IAM role the module creates (the function's and the forwarders'). Null for none."
  type        = string
  default     = null
}

variable "iam_role_path" {
  description = "IAM path of every IAM role the module creates (the function's and the forwarders')."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7E]+/)?$", var.iam_role_path))
    error_message = "iam_role_path must start and end with \"/\", e.g. \"/\" or \"/security/\"; got \"${var.iam_role_path}\"."
  }
}

################################################################################
# Failure handling
################################################################################

variable "create_alarms" {
  description = "Create CloudWatch alarms on every sign that a root event may not have reached Slack (delivery failures, dead-letter queue depth)."
  type        = bool
  default     = true
}

variable "alarm_sns_topic_arn" {
  description = "Existing SNS topic that receives the alarms, in the same region (CloudWatch alarms notify topics of their own region only). Null to let the module create one."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:.+$", var.alarm_sns_topic_arn))
    error_message = "alarm_sns_topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME); got \"${coalesce(var.alarm_sns_topic_arn, "null")}\"."
  }
}

variable "alarm_sns_topic_kms_key_arn" {
  description = "Customer managed KMS key ARN for the alarm topic the module creates. CloudWatch cannot publish to a topic encrypted with the AWS managed key alias/aws/sns, so null leaves the topic unencrypted."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_sns_topic_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.alarm_sns_topic_kms_key_arn))
    error_message = "alarm_sns_topic_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.alarm_sns_topic_kms_key_arn, "null")}\"."
  }
}

variable "alarm_email_addresses" {
  description = "E-mail addresses subscribed to the alarm topic the module creates (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "alarm_email_addresses must hold e-mail addresses; got ${jsonencode(var.alarm_email_addresses)}."
  }
}

variable "queue_kms_key_arn" {
  description = "KMS key ARN that encrypts the module's SQS queues (delivery and dead-letter). Null for SQS-managed encryption (SSE-SQS). A customer managed key must let events.amazonaws.com use it."
  type        = string
  default     = null

  validation {
    condition     = var.queue_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.queue_kms_key_arn))
    error_message = "queue_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); got \"${coalesce(var.queue_kms_key_arn, "null")}\"."
  }
}
################################################################################
# Other regions
################################################################################

variable "create_forwarder_role" {
  description = "Create the IAM role that modules/region-forwarder rules in other regions use to put root activity on this region's default bus (events:PutEvents on that bus only)."
  type        = bool
  default     = true
}

variable "forwarder_role_arn" {
  description = "Existing role for the forwarders when create_forwarder_role is false; it must be assumable by events.amazonaws.com and allowed events:PutEvents on this region's default bus."
  type        = string
  default     = null

  validation {
    condition     = var.forwarder_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.forwarder_role_arn))
    error_message = "forwarder_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME); got \"${coalesce(var.forwarder_role_arn, "null")}\"."
  }
}

variable "forwarder_alarm_sns_topic_arns" {
  description = "Existing SNS topics for the forwarders' alarms, by region (CloudWatch alarms notify topics of their own region only), e.g. { \"us-east-1\" = \"arn:aws:sns:us-east-1:111122223333:security-alarms\" }. A region without one gets a topic of its own, subscribed by alarm_email_addresses."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for region, arn in var.forwarder_alarm_sns_topic_arns : can(regex("^arn:aws[a-z-]*:sns:${region}:[0-9]{12}:.+$", arn))])
    error_message = "forwarder_alarm_sns_topic_arns must map each region to an SNS topic ARN in that region; got ${jsonencode(var.forwarder_alarm_sns_topic_arns)}."
  }
}

################################################################################
# Organization (scope = "organization")
################################################################################

variable "stack_set_organizational_unit_ids" {
  description = "Organizational units whose accounts, present and future, get the spoke rules (StackSets automatic deployment). Empty means the organization root: every member account. StackSets never deploy to the management account; the module covers it when it is the hub, and modules/region-forwarder covers it otherwise."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for id in var.stack_set_organizational_unit_ids : can(regex("^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$", id))])
    error_message = "stack_set_organizational_unit_ids must hold organization root or OU IDs such as \"r-ab12\" or \"ou-ab12-cd34ef56\"; got ${jsonencode(var.stack_set_organizational_unit_ids)}."
  }
}

variable "stack_set_regions" {
  description = "Regions of every member account that get a spoke rule. It must include us-east-1, where root console sign-ins and IAM calls are recorded. The default is the regions enabled by default in a new account; add the opt-in regions your organization enables."
  type        = list(string)
  default = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-west-1",
    "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1",
  ]
  nullable = false

  validation {
    condition     = contains(var.stack_set_regions, "us-east-1")
    error_message = "stack_set_regions must include us-east-1: root console sign-ins and IAM calls are recorded there only; got ${jsonencode(var.stack_set_regions)}."
  }

  validation {
    condition     = alltrue([for region in var.stack_set_regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", region))]) && length(distinct(var.stack_set_regions)) == length(var.stack_set_regions)
    error_message = "stack_set_regions must hold region names such as \"eu-west-1\", each once; got ${jsonencode(var.stack_set_regions)}."
  }
}

variable "stack_set_call_as" {
  description = "\"SELF\" when this is the organization's management account; \"DELEGATED_ADMIN\" when it is a delegated administrator for CloudFormation StackSets."
  type        = string
  default     = "SELF"

  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.stack_set_call_as)
    error_message = "stack_set_call_as must be \"SELF\" or \"DELEGATED_ADMIN\"; got \"${var.stack_set_call_as}\"."
  }
}
