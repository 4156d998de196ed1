"""Check: can the notifier still see? The same checks for the scheduled health check, the one at
apply, and ``doctor`` on a laptop.

What to check comes from the module (its output ``health_check_input``, which is also the input of
the schedule): the trail, every rule with its expected state, the event source mappings, the
dead-letter queues, the Slack secret's parameter and, in an organization, the StackSet. Each check gives
a Finding: what holds or does not, and the fix. Nothing here posts or logs; AWS is reached only
through the ``client`` callable, so tests hand it emulated clients.
"""

from __future__ import annotations

from collections import namedtuple

from ..config.settings import ConfigurationError, check_bot_token, check_webhook_url
from ..shared.log import log_line
from .findings import CannotAsk, Finding, ask, problems

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from ..config.settings import Settings
    from ..shared.deadline import Deadline
    from ..slack.destination import SlackAppDestination, WebhookDestination

STACK_SETS_PRINCIPAL = "member.org.stacksets.cloudformation.amazonaws.com"


class HealthCheckFailed(RuntimeError):
    """Raised by the check at apply: the notifier would not see, and the message says why and what to do."""


def check_and_report(
    event: Mapping[str, Any],
    settings: Settings,
    destination: WebhookDestination | SlackAppDestination,
    deadline: Deadline,
    client: Callable[[str, str], Any] | None = None,
) -> dict[str, Any]:
    """The health-check event's checks: one log line, silent when all is well; otherwise one message
    to Slack, or, for the check at apply (``"at": "apply"``), HealthCheckFailed with every problem."""
    checks = event.get("checks") if isinstance(event.get("checks"), dict) else {}
    api_url = getattr(settings.slack, "api_url", None)  # Slack app mode's Web API; a webhook is not asked
    findings = run_checks(checks, client or _aws_client, slack=slack_asker(api_url) if api_url else None)
    failing = problems(findings)
    log_line(
        "WARNING" if failing else "INFO",
        "health check: the notifier cannot see" if failing else "health check: the notifier can see",
        health="failing" if failing else "ok",
        checks=len(findings),
        problems=[f"{finding.check}: {finding.detail}" for finding in failing] or None,
    )
    if event.get("at") == "apply":
        blocking = [finding for finding in failing if finding.fails_apply]
        if blocking:
            listed = "; ".join(
                f"{finding.check}: {finding.detail} (fix: {finding.fix or 'see above'})" for finding in blocking
            )
            raise HealthCheckFailed(f"the root activity notifier would not see: {listed}")
    elif failing:
        from ..delivery.pacing import container_pacer
        from .message import render_cannot_see

        payload = render_cannot_see(failing, str(checks.get("account", "")), settings.render)
        pacer = container_pacer()  # paced like the container's other posts: a batch may have just posted
        pacer.wait()
        try:
            destination.prepare()
            # The notifier's own account: its channel. A failure raises: the function's error alarm.
            destination.post(payload, deadline, account=str(checks.get("account", "")))
        finally:
            pacer.posted()
    return {"health": "failing" if failing else "ok", "checks": len(findings), "problems": len(failing)}


_clients: dict[tuple[str, str], Any] = {}


def _aws_client(service: str, region: str, credentials: Mapping[str, Any] | None = None) -> Any:
    """A client of this function's role, or of an assumed role's ``credentials`` (sts:AssumeRole's)."""
    import boto3  # present in every Lambda Python runtime; imported only on this path

    if credentials:
        return boto3.client(service, region_name=region, **assumed(credentials))
    if (service, region) not in _clients:
        _clients[(service, region)] = boto3.client(service, region_name=region)
    return _clients[(service, region)]


def assumed(credentials: Mapping[str, Any]) -> dict[str, str]:
    """boto3's client arguments for sts:AssumeRole's Credentials."""
    return {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }


def run_checks(
    settings: Mapping[str, Any],
    client: Callable[[str, str], Any],
    *,
    include_prerequisites: bool = False,
    slack: Callable[[str, str, dict[str, Any]], dict[str, Any]] | None = None,
) -> list[Finding]:
    """Every check, in order; ``include_prerequisites`` adds what an organization needs first
    (``doctor`` only: the function's role may not read Organizations). ``slack`` asks Slack's Web API
    (slack_asker: token, method, arguments -> answer, DeliveryError when not ok): in Slack app mode,
    whether Slack takes the token and the app is in its channels."""
    read: dict[str, str] = {}  # the Slack secret as its parameter's check read it: Slack is asked with it
    checks = [
        _trail,
        _rules,
        _mappings,
        _concurrency,
        _dead_letter_queues,
        lambda settings, client: _slack_secret_parameter(settings, client, read),
        _escalation_topic,
        _stack_instances,
    ]
    if include_prerequisites:
        from .deployer import deployer_permissions

        checks += [_organization_prerequisites, deployer_permissions]
    settings, findings = with_found_forwarders(settings, client)
    for check in checks:
        findings += check(settings, client)
    if slack is not None:
        findings += slack_app_findings(settings, slack, read.get("bot_token_parameter", ""))
    return findings


def slack_asker(api_url: str, seconds: float = 10.0) -> Callable[[str, str, dict[str, Any]], dict[str, Any]]:
    """Ask the Web API at ``api_url`` (the function's SLACK_API_URL, or Slack's own), each call within ``seconds``."""
    from ..shared.deadline import Deadline
    from ..slack.web_api import call

    return lambda token, method, arguments: call(api_url, method, token, arguments, Deadline.after(seconds)).answer


# Why the health check reads channels: the manifest's channels:read and groups:read scopes.
_READ_SCOPE_FIX = (
    "add the bot scopes channels:read and groups:read (OAuth & Permissions; the health check reads whether "
    "the app is in each channel with them) and reinstall the app"
)


def slack_app_findings(settings: Mapping[str, Any], slack, token: str) -> list[Finding]:
    """Slack app mode: Slack takes the bot token (auth.test), and the app is a member of every
    channel it posts to (conversations.info). Nothing is posted. ``token``: the parameter's value,
    as its own check read it ("" when it could not)."""
    from ..slack.http import DeliveryError
    from ..slack.web_api import PERMANENT_ERRORS

    parameter = settings.get("bot_token_parameter")
    if not parameter or not token:
        return []  # the parameter's own check says why
    what = f"Slack takes the bot token in {parameter} (auth.test)"
    try:
        identity = slack(token, "auth.test", {})
    except DeliveryError as error:
        fix = PERMANENT_ERRORS.get(error.code, "")
        return [Finding(what, False, f"Slack answered {error.code or error.reason}", fix or "try again later")]
    bot = identity.get("user") or identity.get("bot_id") or "the app"
    findings = [Finding(what, True, f"workspace {identity.get('team') or '?'}, bot user {bot}")]
    for channel in settings.get("slack_channels") or []:
        findings.append(_channel_membership(slack, token, channel, bot, DeliveryError))
    return findings


def _channel_membership(slack, token: str, channel: str, bot: str, delivery_error) -> Finding:
    what = f"the app is a member of Slack channel {channel}"
    invite = f"invite the app to the channel: /invite @{bot} in {channel}"
    try:
        answer = slack(token, "conversations.info", {"channel": channel})
    except delivery_error as error:
        if error.code == "missing_scope":
            return Finding(what, False, "the app may not read channels (missing_scope)", _READ_SCOPE_FIX)
        if error.code == "channel_not_found":  # also a private channel the app is not in
            fix = f"check slack_channel_id and slack_channel_routes; {invite}"
            return Finding(what, False, "no such channel for this app", fix)
        return Finding(what, False, f"Slack answered {error.code or error.reason}", "")
    info = answer.get("channel") if isinstance(answer.get("channel"), dict) else {}
    if info.get("is_archived"):
        return Finding(what, False, "the channel is archived", "unarchive it, or route its accounts to another channel")
    if info.get("is_member") is not True:
        return Finding(what, False, "the app is not in the channel: every post there fails (not_in_channel)", invite)
    return Finding(what, True, f"#{info.get('name') or channel}")


def _trail(settings, client) -> list[Finding]:
    trail = settings.get("trail")
    if not trail:
        return [Finding("trail", True, "no trail to watch (create_trail = false and no trail_arn_to_watch)")]
    region = trail.split(":")[3]
    what = f"trail {trail.rsplit('/', 1)[-1]} is logging"
    status, failed = ask(
        what,
        f"allow cloudtrail:GetTrailStatus on {trail}",
        lambda: client("cloudtrail", region).get_trail_status(Name=trail),
    )
    if failed:
        if failed.detail.startswith("TrailNotFoundException"):
            return [failed._replace(detail="the trail does not exist", fix="terraform apply recreates it")]
        return [failed]
    findings = []
    if status.get("IsLogging"):
        findings.append(Finding(what, True, "logging"))
    else:
        findings.append(
            Finding(
                what,
                False,
                "stopped: EventBridge gets no CloudTrail events",
                f"aws cloudtrail start-logging --name {trail}",
            )
        )
    error = status.get("LatestDeliveryError")
    if error:
        findings.append(
            Finding(
                f"trail {trail.rsplit('/', 1)[-1]} delivers its log files",
                False,
                f"latest delivery error: {error}",
                "check the trail bucket's policy (CloudTrail must be allowed s3:PutObject), then terraform apply",
            )
        )
    return findings


ANY_ENABLED = "ENABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"


def discover_checks(
    name_prefix: str, region: str, client: Callable[[str, str], Any], *, scope: str = "account", call_as: str = "SELF"
) -> dict[str, Any]:
    """The checks for a notifier found by its name prefix (``doctor --name-prefix``), for when the
    module's output health_check_input is not at hand. Rules are expected enabled, in either state."""
    account, _ = ask("your credentials", "", lambda: client("sts", region).get_caller_identity())
    if account is None:
        raise CannotAsk("your credentials could not be read (sts:GetCallerIdentity failed)")
    account_id, partition = account["Account"], account.get("Arn", "arn:aws:").split(":")[1]
    trail_name = f"{name_prefix}-trail"
    trails, _ = ask("", "", lambda: client("cloudtrail", region).describe_trails(trailNameList=[trail_name]))
    trail = next(
        (each["TrailARN"] for each in (trails or {}).get("trailList", []) if each.get("Name") == trail_name), None
    )
    # The home bus's rules; the forwarders' are found in every region (with_found_forwarders).
    bus = f"{name_prefix}-hub" if scope == "organization" else "default"
    listed, _ = ask("", "", lambda: client("events", region).list_rules(NamePrefix=name_prefix, EventBusName=bus))
    rules = [
        {"region": region, "bus": bus, "name": each["Name"], "state": ANY_ENABLED}
        for each in (listed or {}).get("Rules", [])
        if not each["Name"].startswith(f"{name_prefix}-forwarder")
    ]
    configuration, _ = ask(
        "", "", lambda: client("lambda", region).get_function_configuration(FunctionName=name_prefix)
    )
    mappings, _ = ask("", "", lambda: client("lambda", region).list_event_source_mappings(FunctionName=name_prefix))
    environment = ((configuration or {}).get("Environment") or {}).get("Variables", {})
    routes = _json_object(environment.get("SLACK_CHANNEL_ROUTES"))
    channels = [environment.get("SLACK_CHANNEL_ID", ""), *routes.values()]
    queues = [{"region": region, "name": f"{name_prefix}-dlq"}]
    # A forwarder has the tamper rules the home bus has, under its own name.
    tamper = sorted(
        rule["name"].replace(name_prefix, f"{name_prefix}-forwarder", 1)
        for rule in rules
        if rule["name"].startswith(f"{name_prefix}-tamper-")
    )
    return {
        "region": region,
        "account": account_id,
        "function": name_prefix,
        "trail": trail,
        "rules": rules,
        "mappings": [each["UUID"] for each in (mappings or {}).get("EventSourceMappings", [])],
        "dead_letter_queues": queues,
        "forwarders": {
            "rule": f"{name_prefix}-forwarder",
            "rule_state": ANY_ENABLED,
            "tamper_rules": tamper,
            "dead_letter_queue": f"{name_prefix}-forwarder-dlq",
        },
        "webhook_parameter": environment.get("SLACK_WEBHOOK_SSM_PARAMETER"),
        "bot_token_parameter": environment.get("SLACK_BOT_TOKEN_SSM_PARAMETER"),
        "slack_channels": list(dict.fromkeys(channel for channel in channels if isinstance(channel, str) and channel)),
        "stack_set": {"name": f"{name_prefix}-spokes", "call_as": call_as, "regions": []}
        if scope == "organization"
        else None,
        "spokes": {
            # iam_role_path is taken to be "/": pass --checks with the module's output otherwise.
            "role_arn": f"arn:{partition}:iam::{{account}}:role/{name_prefix}-spoke-health-check",
            "rules": [{"name": f"{name_prefix}-spoke", "state": ANY_ENABLED}]
            + [{"name": name.replace("-forwarder-", "-spoke-", 1), "state": "ENABLED"} for name in tamper],
        }
        if scope == "organization"
        else None,
    }


def with_found_forwarders(settings: Mapping[str, Any], client) -> tuple[Mapping[str, Any], list[Finding]]:
    """Every forwarder of the notifier, wherever and however it was added (the module's own, or one a
    user added beside it): found by its rules' names in every region enabled in the account. Its
    rules join the rules checked (one that is missing from a forwarder is reported as missing), and its
    dead-letter queue the queues."""
    forwarders = settings.get("forwarders")
    if not forwarders:
        return settings, []
    what = f"forwarders ({forwarders['rule']}) are found in every enabled region"
    answer, failed = ask(
        what, "allow ec2:DescribeRegions", lambda: client("ec2", settings["region"]).describe_regions()
    )
    if failed:
        return settings, [failed]
    expected = [forwarders["rule"], *forwarders.get("tamper_rules", [])]
    known_rules = {(rule["region"], rule["name"]) for rule in settings.get("rules", [])}
    known_queues = {(queue["region"], queue["name"]) for queue in settings.get("dead_letter_queues", [])}
    rules, queues, findings, found_in = [], [], [], []
    for region in sorted(each["RegionName"] for each in answer.get("Regions", [])):
        listed, failed = ask(
            f"{what}: {region}",
            "allow events:ListRules",
            lambda region=region: client("events", region).list_rules(NamePrefix=forwarders["rule"], Limit=100),
        )
        if failed:
            findings.append(failed)
            continue
        names = {each["Name"] for each in listed.get("Rules", [])}
        if not names & set(expected):
            continue
        found_in.append(region)
        # The forwarding rule in the notifier's state; tamper rules ENABLED; optional ones where found.
        states = [forwarders["rule_state"]] + ["ENABLED"] * (len(expected) - 1)
        optional = [name for name in forwarders.get("optional_rules", []) if name in names]
        rules += [
            {"region": region, "bus": "default", "name": name, "state": state}
            for name, state in [*zip(expected, states, strict=True), *((name, "ENABLED") for name in optional)]
            if (region, name) not in known_rules
        ]
        if (region, forwarders["dead_letter_queue"]) not in known_queues:
            queues.append({"region": region, "name": forwarders["dead_letter_queue"]})
    findings.insert(0, Finding(what, True, f"in {', '.join(found_in)}" if found_in else "none"))
    found = {
        **settings,
        "rules": [*settings.get("rules", []), *rules],
        "dead_letter_queues": [*settings.get("dead_letter_queues", []), *queues],
    }
    return found, findings


def _json_object(text: str | None) -> dict[str, Any]:
    import json

    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _rules(settings, client) -> list[Finding]:
    findings = []
    for rule in settings.get("rules", []):
        bus = rule.get("bus", "default")
        where = "" if bus == "default" else f" on {bus}"
        what = f"rule {rule['name']}{where} ({rule['region']}) is {rule['state']}"
        described, failed = ask(
            what,
            f"allow events:DescribeRule on the rule {rule['name']}",
            lambda rule=rule, bus=bus: client("events", rule["region"]).describe_rule(
                Name=rule["name"], EventBusName=bus
            ),
        )
        if failed:
            if failed.detail.startswith("ResourceNotFoundException"):
                failed = failed._replace(detail="the rule does not exist", fix="terraform apply recreates it")
            findings.append(failed)
        elif described.get("State") not in rule["state"].split(" or "):
            findings.append(
                Finding(
                    what,
                    False,
                    f"its state is {described.get('State')}",
                    "terraform apply restores it (aws events enable-rule would set ENABLED, which never receives "
                    "read-only calls)",
                )
            )
        else:
            findings.append(Finding(what, True, described["State"]))
    return findings


def _mappings(settings, client) -> list[Finding]:
    findings = []
    for uuid in settings.get("mappings", []):
        what = f"event source mapping {uuid} is enabled"
        mapping, failed = ask(
            what,
            f"allow lambda:GetEventSourceMapping on {uuid}",
            lambda uuid=uuid: client("lambda", settings["region"]).get_event_source_mapping(UUID=uuid),
        )
        if failed:
            if failed.detail.startswith("ResourceNotFoundException"):
                failed = failed._replace(detail="the mapping does not exist", fix="terraform apply recreates it")
            findings.append(failed)
            continue
        state = mapping.get("State", "")
        if state in ("Enabled", "Enabling", "Creating", "Updating"):
            findings.append(Finding(what, True, state))
        else:
            findings.append(
                Finding(
                    what,
                    False,
                    f"its state is {state}: the queue {_name_in(mapping.get('EventSourceArn', ''))} is not read",
                    f"aws lambda update-event-source-mapping --uuid {uuid} --enabled",
                )
            )
    return findings


def _concurrency(settings, client) -> list[Finding]:
    function = settings["function"]
    what = f"function {function} may run (reserved concurrency is not 0)"
    answer, failed = ask(
        what,
        f"allow lambda:GetFunctionConcurrency on {function}",
        lambda: client("lambda", settings["region"]).get_function_concurrency(FunctionName=function),
    )
    if failed:
        return [failed]
    reserved = answer.get("ReservedConcurrentExecutions")
    if reserved == 0:
        return [
            Finding(
                what,
                False,
                "reserved concurrency is 0: the function never runs",
                f"aws lambda delete-function-concurrency --function-name {function} (or terraform apply)",
            )
        ]
    return [Finding(what, True, "unreserved" if reserved is None else f"reserved {reserved}")]


def _dead_letter_queues(settings, client) -> list[Finding]:
    findings = []
    for queue in settings.get("dead_letter_queues", []):
        what = f"dead-letter queue {queue['name']} ({queue['region']}) is empty"
        sqs = client("sqs", queue["region"])
        answer, failed = ask(
            what,
            f"allow sqs:GetQueueUrl and sqs:GetQueueAttributes on {queue['name']}",
            lambda queue=queue, sqs=sqs: sqs.get_queue_attributes(
                QueueUrl=sqs.get_queue_url(QueueName=queue["name"])["QueueUrl"],
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            ),
        )
        if failed:
            findings.append(failed)
            continue
        attributes = answer.get("Attributes", {})
        waiting = sum(
            int(attributes.get(name, 0))
            for name in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
        )
        if waiting:
            findings.append(
                Finding(
                    what,
                    False,
                    f"{waiting} event(s) that never reached Slack (or the notifier's queues) wait there",
                    "find why in the function's log (outcome failed), fix it, then move them back: "
                    "aws sqs start-message-move-task --source-arn <the queue's ARN>",
                )
            )
        else:
            findings.append(Finding(what, True, "empty"))
    return findings


def _escalation_topic(settings, client) -> list[Finding]:
    """With paging (escalation_sns_topic_arn): the topic is there and someone is subscribed to it."""
    topic = settings.get("escalation_topic")
    if not topic:
        return []
    what = f"on-call topic {topic} has a confirmed subscriber"
    answer, failed = ask(
        what,
        f"allow sns:GetTopicAttributes on {topic}",
        lambda: client("sns", topic.split(":")[3]).get_topic_attributes(TopicArn=topic),
    )
    if failed:
        return [failed._replace(fix=failed.fix or "check escalation_sns_topic_arn: the topic must exist")]
    confirmed = int(answer.get("Attributes", {}).get("SubscriptionsConfirmed", "0") or 0)
    if not confirmed:
        pending = int(answer.get("Attributes", {}).get("SubscriptionsPending", "0") or 0)
        return [
            Finding(
                what,
                False,
                "no confirmed subscription: critical root activity would page no one"
                + (f" ({pending} waiting for confirmation)" if pending else ""),
                "subscribe your paging tool (PagerDuty, Opsgenie) or an e-mail address to the topic, and confirm it",
                fails_apply=False,  # a new e-mail subscription waits for its owner: the scheduled check names it
            )
        ]
    return [Finding(what, True, f"{confirmed} confirmed subscription(s)")]


# A Slack secret's parameter: what holds when it is right, its module variable, its check and an example value.
SecretParameter = namedtuple("SecretParameter", ["setting", "what", "readable", "variable", "check", "example"])
_SLACK_SECRETS = (
    SecretParameter("webhook_parameter", "webhook parameter {} holds a Slack webhook URL",
                    "readable, an https:// webhook URL", "slack_webhook_ssm_parameter_name", check_webhook_url,
                    "https://hooks.slack.com/services/..."),
    SecretParameter("bot_token_parameter", "bot token parameter {} holds a Slack bot token",
                    "readable, a bot token (xoxb-)", "slack_bot_token_ssm_parameter_name", check_bot_token,
                    "xoxb-..."),
)  # fmt: skip


def _slack_secret_parameter(settings, client, read: dict[str, str] | None = None) -> list[Finding]:
    return [
        _secret_parameter(settings, client, settings[secret.setting], secret, read)
        for secret in _SLACK_SECRETS
        if settings.get(secret.setting)
    ]


def _secret_parameter(
    settings, client, name: str, secret: SecretParameter, read: dict[str, str] | None = None
) -> Finding:
    """The parameter holds the secret; what was read goes into ``read`` (by setting), once."""
    what = secret.what.format(name)
    # The secret is read without echo, so that shell history never keeps it.
    put = (
        f"read -rs SECRET (paste the {secret.example}; it is not echoed), then aws ssm put-parameter --overwrite "
        f'--type SecureString --name {name} --value "$SECRET"'
    )
    answer, failed = ask(
        what,
        f"allow ssm:GetParameter on {name} (and kms:Decrypt on its key)",
        lambda: client("ssm", settings["region"]).get_parameter(Name=name, WithDecryption=True),
    )
    if failed:
        if failed.detail.startswith("ParameterNotFound"):
            created = name in settings.get("parameters_created", [])
            fix = (
                "terraform apply creates it again (the module stores the secret it was given there)"
                if created
                else f"check {secret.variable} (spelling, region), or create it: {put.replace(' --overwrite', '')}"
            )
            return failed._replace(detail=f"it does not exist in {settings['region']}", fix=fix)
        return failed
    value = str(answer.get("Parameter", {}).get("Value", ""))
    if read is not None:
        read[secret.setting] = value.strip()
    try:
        secret.check(value, f"SSM parameter {name!r}")
    except ConfigurationError as error:
        return Finding(what, False, str(error), put)
    return Finding(what, True, secret.readable)


def _stack_instances(settings, client) -> list[Finding]:
    """The StackSet's instances, listed once: whether each is current, and each member's spoke rules."""
    stack_set = settings.get("stack_set")
    if not stack_set:
        return []
    what = f"StackSet {stack_set['name']} is CURRENT in every account and region"
    summaries, failed = ask(
        what,
        f"allow cloudformation:ListStackInstances on the StackSet {stack_set['name']}",
        lambda: _all_stack_instances(client("cloudformation", settings["region"]), stack_set),
    )
    if failed:
        return [failed]
    return [_stack_instances_current(stack_set, summaries, what), *_spoke_rules(settings, client, summaries)]


def _stack_instances_current(stack_set: Mapping[str, Any], summaries: list[dict[str, Any]], what: str) -> Finding:
    # Every account gets every region: those the module lists, and any region some account has.
    expected_regions = set(stack_set.get("regions", [])) | {summary["Region"] for summary in summaries}
    accounts: dict[str, set[str]] = {}
    not_current = []
    for summary in summaries:
        accounts.setdefault(summary["Account"], set()).add(summary["Region"])
        status = summary.get("StackInstanceStatus", {}).get("DetailedStatus") or summary.get("Status")
        if summary.get("Status") != "CURRENT":
            not_current.append(f"{summary['Account']}/{summary['Region']} ({status})")
    missing = [
        f"{account}/{region} (no instance)"
        for account, regions in sorted(accounts.items())
        for region in sorted(expected_regions - regions)
    ]
    if not summaries:
        missing.append("no instance in any account")
    if not_current or missing:
        return Finding(
            what,
            False,
            "not current: " + ", ".join(sorted(not_current) + missing),
            f"a missing one: aws cloudformation create-stack-instances --stack-set-name {stack_set['name']} "
            "--deployment-targets OrganizationalUnitIds=<its OU> --regions <its region>; one not current: "
            "aws cloudformation update-stack-instances (the StackSet's last operation says why); a member "
            "outside stack_set_organizational_unit_ids gets none",
        )
    return Finding(what, True, f"{len(summaries)} instances in {len(accounts)} account(s)")


def _spoke_rules(settings, client, summaries: list[dict[str, Any]]) -> list[Finding]:
    """Each member account's spoke rules, in every region its stack instances (``summaries``) cover,
    read through the role its stack gives the hub: one finding per account, naming each rule that is
    not as deployed."""
    spokes, stack_set = settings.get("spokes"), settings["stack_set"]
    if not spokes:
        return []
    regions_of: dict[str, list[str]] = {}
    for summary in summaries:
        regions_of.setdefault(summary["Account"], []).append(summary["Region"])
    findings = []
    for account, regions in sorted(regions_of.items()):
        role = spokes["role_arn"].replace("{account}", account)
        what = f"spoke rules of account {account} are as deployed ({len(regions)} regions)"
        assumed, failed = ask(
            what,
            f"allow sts:AssumeRole on {role}",
            lambda role=role: client("sts", settings["region"]).assume_role(
                RoleArn=role, RoleSessionName="root-activity-notifier-health-check"
            ),
        )
        if failed:
            findings.append(
                failed._replace(fix=failed.fix or "terraform apply (the stack's us-east-1 instance makes the role)")
            )
            continue
        credentials = assumed["Credentials"]
        wrong, read = [], 0
        for region in sorted(regions):
            events = client("events", region, credentials=credentials)
            for rule in spokes["rules"]:
                if rule.get("region") not in (None, region):
                    continue  # a rule of one region's stack only (us-east-1's tamper path)
                read += 1
                described, failed = ask(
                    "", "", lambda events=events, rule=rule: events.describe_rule(Name=rule["name"])
                )
                if failed:
                    missing = failed.detail.startswith("ResourceNotFoundException")
                    wrong.append(f"{region}: {rule['name']} {'is missing' if missing else failed.detail}")
                elif described.get("State") not in rule["state"].split(" or "):
                    wrong.append(f"{region}: {rule['name']} is {described.get('State')}, not {rule['state']}")
        if wrong:
            fix = (
                f"aws cloudformation update-stack-instances --stack-set-name {stack_set['name']} --accounts {account} "
                f"--regions <each region named> --call-as {stack_set.get('call_as', 'SELF')} restores them"
            )
            findings.append(Finding(what, False, "; ".join(wrong), fix))
        else:
            findings.append(Finding(what, True, f"{read} rules"))
    return findings


def _name_in(arn: str) -> str:
    return arn.rsplit(":", 1)[-1]


def _all_stack_instances(cloudformation: Any, stack_set: Mapping[str, Any]) -> list[dict[str, Any]]:
    summaries, token = [], None
    while True:
        arguments = {"StackSetName": stack_set["name"], "CallAs": stack_set.get("call_as", "SELF")}
        if token:
            arguments["NextToken"] = token
        page = cloudformation.list_stack_instances(**arguments)
        summaries += page.get("Summaries", [])
        token = page.get("NextToken")
        if not token:
            return summaries


def _organization_prerequisites(settings, client) -> list[Finding]:
    stack_set = settings.get("stack_set")
    if not stack_set:
        return []
    organizations = client("organizations", "us-east-1")
    what = "trusted access for CloudFormation StackSets is on in the organization"
    answer, failed = ask(
        what,
        "allow organizations:ListAWSServiceAccessForOrganization (run doctor from the management account)",
        organizations.list_aws_service_access_for_organization,
    )
    if failed:
        findings = [failed]
    elif any(
        entry.get("ServicePrincipal") == STACK_SETS_PRINCIPAL for entry in answer.get("EnabledServicePrincipals", [])
    ):
        findings = [Finding(what, True, "on")]
    else:
        findings = [
            Finding(
                what,
                False,
                "off: the StackSet cannot deploy to member accounts",
                "in the management account: aws cloudformation activate-organizations-access (the StackSets "
                "console's 'Activate trusted access')",
            )
        ]
    if stack_set.get("call_as") == "DELEGATED_ADMIN":
        what = f"account {settings.get('account')} is a delegated administrator for StackSets"
        answer, failed = ask(
            what,
            "allow organizations:ListDelegatedAdministrators",
            lambda: organizations.list_delegated_administrators(ServicePrincipal=STACK_SETS_PRINCIPAL),
        )
        if failed:
            findings.append(failed)
        elif any(entry.get("Id") == settings.get("account") for entry in answer.get("DelegatedAdministrators", [])):
            findings.append(Finding(what, True, "registered"))
        else:
            findings.append(
                Finding(
                    what,
                    False,
                    "not registered",
                    f"from the management account: aws organizations register-delegated-administrator --account-id "
                    f"{settings.get('account')} --service-principal {STACK_SETS_PRINCIPAL}",
                )
            )
    return findings
