"""`make demo`: terraform apply of examples/single-account, then root events reaching Slack, all locally.

AWS is moto's server on 127.0.0.1 and Slack is a local webhook. The sample events are decided by the
deployed rule and delivered by the deployed package; the messages are printed and written to an HTML
preview. Everything started here is stopped and destroyed at the end, also on error or Ctrl-C. The
exit status is non-zero if anything in the chain did not do what it should.
"""

from __future__ import annotations

import sys
import time

from local_aws import REPO, DeployedFunction, ExampleDeployment, LocalAws, deployed_rule, load_sample, rule_delivers
from local_aws import sample_names as samples
from slack_preview import to_html, to_terminal

from slack_sink import SlackSink

EXAMPLE = "single-account"
REGION = "ap-northeast-1"
PARAMETER = "/root-activity-notifier-demo/slack-webhook-url"
PREVIEW = REPO / "build" / "demo" / "slack-preview.html"

started = time.monotonic()


def step(message: str) -> None:
    print(f"[{time.monotonic() - started:5.1f}s] {message}", flush=True)


def run_events(aws: LocalAws, outputs: dict, sink: SlackSink) -> list[str]:
    """Send every sample through the deployed rule and package; return what went wrong."""
    problems = []
    rule = deployed_rule(aws, REGION, outputs["event_rule_arn"].rsplit("/", 1)[-1])
    step(f"deployed rule: state {rule.state}, pattern {rule.pattern}")
    function = DeployedFunction(aws, REGION, outputs["lambda_function_name"])
    step(f"deployed package: {len(function.code)} bytes, CodeSha256 {function.configuration['CodeSha256']}")
    try:
        with function.handler() as handler:
            for name in samples():
                event = load_sample(name)
                is_root = name.startswith("root-")
                delivered = rule_delivers(rule, event)
                verdict = "matched" if delivered else "not matched"
                print(f"\n--- {name}: {verdict} by the rule")
                if delivered != is_root:
                    problems.append(f"{name}: {verdict}, expected {'matched' if is_root else 'not matched'}")
                if not delivered:
                    continue
                before = len(sink.messages)
                try:
                    result = handler(event)
                except Exception as error:  # noqa: BLE001 - the demo reports every failure and goes on
                    problems.append(f"{name}: the deployed function raised {type(error).__name__}: {error}")
                    continue
                received = sink.messages[before:]
                if result.get("delivered") != 1 or len(received) != 1:
                    problems.append(f"{name}: expected one Slack message, the sink got {len(received)}")
                for payload in received:
                    print(to_terminal(payload))
    finally:
        function.close()
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
                module_arguments={"slack_webhook_url": "null", "slack_webhook_ssm_parameter_name": f'"{PARAMETER}"'},
            )
            # destroy runs while the emulator is still up, whatever happens in between
            try:
                step(f"terraform apply examples/{EXAMPLE} (region {REGION}); this takes about a minute")
                outputs = deployment.apply()
                step(f"applied: function {outputs['lambda_function_name']}, trail {outputs['cloudtrail_arn']}")
                print(
                    "\nSample events are put on the home region's bus. (Root sign-ins are recorded in "
                    "us-east-1; forwarding them to the home region arrives with the every-region release.)"
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
    step("demo complete: every root sample reached Slack, no look-alike did; everything started was stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
