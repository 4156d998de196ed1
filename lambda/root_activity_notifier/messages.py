"""The words of every message, in English and in Japanese (the wording the project started from)."""

from __future__ import annotations

from collections import namedtuple

from .classify import Activity, Severity

SUPPORTED_LANGUAGES = ("en", "ja")


# Every text of a message in one language; headlines and severities are keyed by the enums.
Wording = namedtuple(
    "Wording",
    [
        "headlines",
        "severities",
        "denied_suffix",
        "event",
        "account",
        "when",
        "source_ip",
        "region",
        "mfa",
        "sign_in_result",
        "service",
        "user_agent",
        "error",
        "principal",
        "mfa_used",
        "mfa_not_used",
        "mfa_unknown",
        "sign_in_success",
        "sign_in_failure",
        "unknown",
        "in_account",
        "via_console",
        "denied_note",
        "centralized_root_note",
        "time_zone_unavailable",
        "open_in_cloudtrail",
        "footer",
    ],
)


ENGLISH = Wording(
    headlines={
        Activity.SIGN_IN_WITHOUT_MFA: "Root user signed in to the console without MFA",
        Activity.SIGN_IN: "Root user signed in to the console",
        Activity.SIGN_IN_FAILED: "Failed root user console sign-in",
        Activity.CREDENTIALS_CHANGED: "Root user credentials changed: {event}",
        Activity.MFA_REMOVED: "Root user removed an MFA device: {event}",
        Activity.LOGGING_DISABLED: "Root user disabled CloudTrail logging: {event}",
        Activity.SIGN_IN_STEP: "Root user sign-in activity: {event}",
        Activity.WRITE_CALL: "Root user API call: {event}",
        Activity.READ_ONLY_CALL: "Root user read-only call: {event}",
    },
    severities={
        Severity.CRITICAL: "Critical",
        Severity.HIGH: "High",
        Severity.WARNING: "Warning",
        Severity.LOW: "Low",
    },
    denied_suffix=" (denied)",
    event="Event",
    account="Account",
    when="When",
    source_ip="Source IP",
    region="Region",
    mfa="MFA",
    sign_in_result="Sign-in result",
    service="Service",
    user_agent="User agent",
    error="Error",
    principal="Principal",
    mfa_used="Used",
    mfa_not_used="Not used",
    mfa_unknown="Not recorded",
    sign_in_success="Success",
    sign_in_failure="Failure",
    unknown="unknown",
    in_account="in account",
    via_console="through the AWS console",
    denied_note="AWS denied this call",
    centralized_root_note="Centralized root access session (sts:AssumeRoot)",
    time_zone_unavailable="Time zone {zone} could not be loaded; times are in UTC",
    open_in_cloudtrail="Open the event in CloudTrail",
    footer="AWS root activity notifier",
)

JAPANESE = Wording(
    headlines={
        Activity.SIGN_IN_WITHOUT_MFA: "AWSルートユーザーログイン検知（MFA未使用）",
        Activity.SIGN_IN: "AWSルートユーザーログイン検知",
        Activity.SIGN_IN_FAILED: "AWSルートユーザーログイン失敗",
        Activity.CREDENTIALS_CHANGED: "AWSルートユーザー認証情報の変更検知: {event}",
        Activity.MFA_REMOVED: "AWSルートユーザーMFAデバイス削除検知: {event}",
        Activity.LOGGING_DISABLED: "AWSルートユーザーによるCloudTrail停止検知: {event}",
        Activity.SIGN_IN_STEP: "AWSルートユーザーサインイン操作検知: {event}",
        Activity.WRITE_CALL: "AWSルートユーザーアクティビティ検知: {event}",
        Activity.READ_ONLY_CALL: "AWSルートユーザー読み取り操作検知: {event}",
    },
    severities={
        Severity.CRITICAL: "重大",
        Severity.HIGH: "高",
        Severity.WARNING: "警告",
        Severity.LOW: "低",
    },
    denied_suffix="（拒否）",
    event="イベント名",
    account="AWSアカウントID",
    when="発生時刻",
    source_ip="ソースIP",
    region="リージョン",
    mfa="MFA",
    sign_in_result="ログイン結果",
    service="サービス",
    user_agent="ユーザーエージェント",
    error="エラー",
    principal="プリンシパルARN",
    mfa_used="使用",
    mfa_not_used="未使用",
    mfa_unknown="記録なし",
    sign_in_success="成功",
    sign_in_failure="失敗",
    unknown="不明",
    in_account="アカウント",
    via_console="AWSコンソール経由",
    denied_note="この呼び出しはAWSにより拒否されました",
    centralized_root_note="一元化されたルートアクセスのセッション (sts:AssumeRoot)",
    time_zone_unavailable="タイムゾーン {zone} を読み込めなかったため、UTCで表示しています",
    open_in_cloudtrail="CloudTrailでイベントを開く",
    footer="AWSルートアクティビティ通知",
)

WORDING = {"en": ENGLISH, "ja": JAPANESE}
