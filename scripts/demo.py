"""`make demo`: terraform apply of examples/single-account, then root events reaching Slack, all locally.

AWS is moto's server on 127.0.0.1 and Slack is a local webhook. The sample events are decided by the
deployed rule and delivered by the deployed package; the messages are printed and written to an HTML
preview. Everything started here is stopped and destroyed at the end, also on error or Ctrl-C. The
exit status is non-zero if anything in the chain did not do what it should.
"""

from __future__ import annotations

import sys
import time

from harness.deployed import DeployedFunction, deployed_rule
from harness.deployment import REPO, ExampleDeployment
from harness.emulator import LocalAws
from harness.samples import eventbridge_samples, load_sample
from slack_preview import to_html, to_terminal
from slack_sink import SlackSink

EXAMPLE = "single-account"
REGION = "ap-northeast-1"
# A third region, where the root API call sample was recorded: its ready block in forwarders.tf is
# uncommented in the temporary copy, as a user would (us-east-1 is always forwarded).
FORWARD_REGIONS = ["us-east-2"]
PARAMETER = "/root-activity-notifier-demo/slack-webhook-url"
PREVIEW = REPO / "build" / "demo" / "slack-preview.html"

started = time.monotonic()


def step(message: str) -> None:
    print(f"[{time.monotonic() - started:5.1f}s] {message}", flush=True)


def run_events(aws: LocalAws, outputs: dict, sink: SlackSink) -> list[str]:
    """Put every sample on the bus of the region that recorded it; return what went wrong.

    What reaches the notifier's rule in the home region (directly, or through a forwarder) is handed
    to the deployed package, which posts to the local Slack.
    """
    problems = []
    rule = deployed_rule(aws, REGION, outputs["event_rule_arn"].rsplit("/", 1)[-1])
    step(f"deployed rule in {REGION}: state {rule.state}, pattern {rule.pattern}")
    with DeployedFunction(aws, REGION, outputs["lambda_function_name"]) as function:
        step(f"deployed package: {len(function.code)} bytes, CodeSha256 {function.configuration['CodeSha256']}")
        with aws.observing_rule(REGION, rule.name) as arrived:
            for name in eventbridge_samples():
                event = load_sample(name)
                recorded_in, is_root = event["detail"]["awsRegion"], name.startswith("root-")
                aws.put_event(event)
                reached = arrived()
                route = "directly" if recorded_in == REGION else f"through the {recorded_in} forwarder"
                verdict = f"reached the notifier ({route})" if reached else "reached nothing"
                print(f"\n--- {name}: recorded in {recorded_in}, {verdict}")
                if bool(reached) != is_root:
                    problems.append(f"{name}: {verdict}, expected {'the notifier' if is_root else 'nothing'}")
                for delivered_event in reached:
                    before = len(sink.messages)
                    try:
                        result = function.invoke(delivered_event)
                    except Exception as error:  # noqa: BLE001 - the demo reports every failure and goes on
                        problems.append(f"{name}: the deployed function raised {type(error).__name__}: {error}")
                        continue
                    received = sink.messages[before:]
                    if result.get("delivered") != 1 or len(received) != 1:
                        problems.append(f"{name}: expected one Slack message, the sink got {len(received)}")
                    for payload in received:
                        print(to_terminal(payload))
    return problems


def main() -> int:
    problems: list[str] = []
    try:
        with LocalAws() as aws, SlackSink() as sink:
            step(f"AWS emulator (moto) on {aws.endpoint}; Slack webhook stand-in on {sink.url}")
            aws.client("ssm", REGION).put_parameter(Name=PARAMETER, Value=sink.url, Type="SecureString")
            step(f"webhook stored as an existing SecureString parameter {PARAMETER}")
            deployment = ExampleDeployment(
                aws,
                EXAMPLE,
                variables={"region": REGION, "slack_webhook_url": "https://hooks.slack.com/services/DEMO/UNUSED/x"},
                module_arguments={"slack_webhook_url": None, "slack_webhook_ssm_parameter_name": PARAMETER},
                forward_regions=FORWARD_REGIONS,
            )
            # destroy runs while the emulator is still up, whatever happens in between
            try:
                step(f"terraform apply examples/{EXAMPLE} (region {REGION}); this takes about a minute")
                outputs = deployment.apply()
                step(f"applied: function {outputs['lambda_function_name']}, trail {outputs['cloudtrail_arn']}")
                print(
                    f"\nEach sample goes on the bus of the region that recorded it. The notifier lives in {REGION}; "
                    f"forwarders run in us-east-1 (root sign-ins, IAM) and {', '.join(FORWARD_REGIONS)}."
                )
                problems += run_events(aws, outputs, sink)
                PREVIEW.parent.mkdir(parents=True, exist_ok=True)
                PREVIEW.write_text(to_html(sink.messages), encoding="utf-8")
                print()
                step(f"{len(sink.messages)} Slack message(s); HTML preview: {PREVIEW}")
            finally:
                step("terraform destroy")
                deployment.destroy()
    except KeyboardInterrupt:
        problems.append("interrupted")
    except Exception as error:  # noqa: BLE001 - say what failed and exit non-zero
        problems.append(f"{type(error).__name__}: {error}")
    if problems:
        print("\nDEMO FAILED:", *problems, sep="\n- ", file=sys.stderr)
        return 1
    step("demo complete: every root sample reached Slack from where it was recorded, no look-alike did")
    return 0


if __name__ == "__main__":
    sys.exit(main())
