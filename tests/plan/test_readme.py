"""Every image the READMEs show exists and is a PNG, every committed screenshot is shown, the snippets
validate as pasted, and the deployer policy is the one doctor checks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from harness.deployment import copy_repository
from root_activity_notifier import __version__

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
READMES = [
    REPO / "README.md",
    REPO / "CONTRIBUTING.md",
    REPO / "lambda" / "README.md",
    *sorted(REPO.glob("docs/*.md")),
    *sorted(REPO.glob("examples/*/README.md")),
    *sorted(REPO.glob("modules/*/README.md")),
]


def shown_images() -> dict:
    images = {}
    for readme in READMES:
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", readme.read_text(encoding="utf-8")):
            images[(readme.parent / target).resolve()] = readme
    return images


def test_every_image_shown_exists_and_is_a_png():
    images = shown_images()
    assert len(images) >= 6
    for path, readme in images.items():
        assert path.is_file(), f"{readme.relative_to(REPO)} shows {path}, which does not exist"
        with path.open("rb") as image:
            assert image.read(8) == PNG_SIGNATURE, f"{path.relative_to(REPO)} is not a PNG"


def test_the_readme_opens_with_an_alert_and_a_pinned_module_block():
    first_screen = (REPO / "README.md").read_text(encoding="utf-8")[:2500]
    assert "![" in first_screen and "docs/images/" in first_screen
    assert re.search(r'source\s*=\s*"[^"]+\?ref=v\d+\.\d+\.\d+"', first_screen)


def test_every_screenshot_is_shown():
    shown = set(shown_images())
    for path in sorted((REPO / "docs" / "images").glob("*.png")):
        assert path.resolve() in shown, f"{path.relative_to(REPO)} is not shown in any README"


def test_the_pinned_version_is_the_latest_release_and_the_packages_version():
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (REPO / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    pinned = set(re.findall(r"\?ref=v(\d+\.\d+\.\d+)", "".join(path.read_text(encoding="utf-8") for path in READMES)))
    assert released and pinned == {released[0]} == {__version__}


def hcl_blocks(readme) -> list[str]:
    return re.findall(r"```hcl\n(.*?)```", readme.read_text(encoding="utf-8"), re.DOTALL)


def _terraform(directory, environment, *command):
    result = subprocess.run(
        ["terraform", *command, "-no-color"],
        cwd=directory,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_the_first_module_block_and_the_forwarder_snippet_validate_as_pasted_without_a_warning(
    tmp_path, terraform_module
):
    """As a user would paste them, with only the module's source pointed at this checkout."""
    _, environment = terraform_module
    repository = copy_repository(tmp_path / "module")
    first, *others = hcl_blocks(REPO / "README.md")
    (forwarder,) = [block for block in others if "modules/region-forwarder" in block]
    for name, pasted in (("first", first), ("with-forwarder", f"{first}\n{forwarder}")):
        text = pasted
        sources = re.findall(r'source\s*=\s*"(github\.com/[^/"]+/terraform-aws-root-activity-notifier[^"]*)"', text)
        assert sources and all(source.endswith(f"?ref=v{__version__}") for source in sources), sources
        for source in sources:
            submodule = source.split("terraform-aws-root-activity-notifier", 1)[1].split("?ref=")[0]
            text = text.replace(f'"{source}"', json.dumps(f"../{repository.name}{submodule.replace('//', '/')}"))
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(text)
        _terraform(tmp_path / name, environment, "init", "-backend=false", "-input=false")
        output = _terraform(tmp_path / name, environment, "validate")
        assert "Warning" not in output, output
    assert 'output "health_check_input"' in first  # what doctor reads


def test_doctor_runs_from_the_copy_terraform_init_fetched_from_git(tmp_path, terraform_module):
    """The README's doctor command for a consumer: the module fetched from Git (here a local one) has the
    package under .terraform/modules/<the module block's name>/lambda."""
    _, environment = terraform_module
    repository = copy_repository(tmp_path / "repository")
    shutil.copytree(REPO / "lambda" / "root_activity_notifier", repository / "lambda" / "root_activity_notifier",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    git = {**environment, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "release"], ["tag", "v0.0.0"]):
        subprocess.run(["git", *command], cwd=repository, env=git, check=True, capture_output=True)
    first = hcl_blocks(REPO / "README.md")[0]
    source = re.search(r'source\s*=\s*"(github\.com/[^"]+)"', first).group(1)
    (tmp_path / "user").mkdir()
    (tmp_path / "user" / "main.tf").write_text(first.replace(source, f"git::file://{repository}?ref=v0.0.0"))
    _terraform(tmp_path / "user", environment, "init", "-backend=false", "-input=false")
    operations = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    (command,) = [line for line in operations.splitlines() if line.startswith("PYTHONPATH=.terraform/modules/")]
    pythonpath = command.split()[0].removeprefix("PYTHONPATH=")
    result = subprocess.run(
        ["python3", "-m", "root_activity_notifier", "doctor", "--help"],
        cwd=tmp_path / "user",
        env={**environment, "PYTHONPATH": pythonpath},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--checks" in result.stdout, result.stderr


def readme_deployer_policy() -> dict:
    section = (REPO / "docs" / "deploying.md").read_text(encoding="utf-8").split("## Who may deploy it", 1)[1]
    return json.loads(section.split("```json", 1)[1].split("```", 1)[0])


def test_the_deployer_policy_is_the_one_doctor_checks_and_the_organizations_statements_are_apart():
    from root_activity_notifier.health.deployer import deployer_actions, deployer_policy

    policy = readme_deployer_policy()
    assert policy == deployer_policy(organization=True)  # make docs rewrites it
    account_only = [each for each in policy["Statement"] if not each["Sid"].startswith("Organization")]
    assert account_only == deployer_policy(organization=False)["Statement"]
    for organization, statements in ((False, account_only), (True, policy["Statement"])):
        granted = sorted({action for statement in statements for action in statement["Action"]})
        assert granted == deployer_actions(organization)


def test_the_deployer_policy_passes_parliament_and_scopes_every_iam_and_lambda_write():
    from parliament import analyze_policy_string, enhance_finding

    policy = readme_deployer_policy()
    findings = [enhance_finding(finding) for finding in analyze_policy_string(json.dumps(policy)).findings]
    assert [(finding.severity, finding.issue, finding.detail) for finding in findings] == []
    for statement in policy["Statement"]:
        writes = [a for a in statement["Action"] if a.split(":")[0] in ("iam", "lambda") and _access(a) != "Read"]
        if statement["Resource"] == "*" and writes:
            # Only what takes no resource, and then held to the notifier's function.
            assert writes == ["lambda:CreateEventSourceMapping"], statement
            assert statement["Condition"] == {
                "ArnLike": {"lambda:FunctionArn": ["arn:aws:lambda:*:*:function:root-activity-notifier*"]}
            }
        if "iam:PassRole" in statement["Action"]:
            assert statement["Action"] == ["iam:PassRole"]
            passed = statement["Condition"]["StringEquals"]["iam:PassedToService"]
            assert passed == ["events.amazonaws.com", "lambda.amazonaws.com", "scheduler.amazonaws.com"]
        if statement["Resource"] == "*" or "Condition" in statement:
            continue
        # Named by the prefix; but the default bus (DescribeEventBus), CloudFormation's resource types,
        # and event source mappings' tags (named by UUID).
        for arn in statement["Resource"]:
            tags = statement["Sid"] == "EventSourceMappingTags" and arn.endswith(":event-source-mapping:*")
            assert "root-activity-notifier" in arn or arn.endswith((":event-bus/default", "::type/resource/*")) or tags
        assert statement["Sid"] != "EventSourceMappingTags" or all(_access(a) != "Write" for a in statement["Action"])


def test_what_the_policy_grants_on_star_is_exactly_what_takes_no_resource():
    from root_activity_notifier.health.deployer import NO_RESOURCE, deployer_actions

    no_resource = {
        action for action in deployer_actions(True) if not _definition(action)["resource_types"][0]["resource_type"]
    }
    assert no_resource == NO_RESOURCE
    on_star = {
        action for each in readme_deployer_policy()["Statement"] if each["Resource"] == "*" for action in each["Action"]
    }
    assert on_star == NO_RESOURCE


def _definition(action: str) -> dict:
    import parliament

    if not _DEFINITIONS:
        path = Path(parliament.__file__).parent / "iam_definition.json"
        for service in json.loads(path.read_text(encoding="utf-8")):
            for privilege in service["privileges"]:
                _DEFINITIONS[f"{service['prefix']}:{privilege['privilege']}"] = privilege
    return _DEFINITIONS[action]


def _access(action: str) -> str:
    return _definition(action)["access_level"]


_DEFINITIONS: dict[str, dict] = {}


def test_the_slack_app_manifest_asks_to_post_and_read_channels_only_and_the_snippet_names_real_inputs():
    from terraform_blocks import blocks

    section = (REPO / "docs" / "slack-app.md").read_text(encoding="utf-8")
    manifest = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    # chat:write posts; channels:read and groups:read let the health check ask if the app is in a channel.
    assert manifest["oauth_config"]["scopes"] == {"bot": ["chat:write", "channels:read", "groups:read"]}
    assert manifest["settings"]["socket_mode_enabled"] is False  # the notifier only calls out
    snippet = section.split("```hcl", 1)[1].split("```", 1)[0]
    arguments = set(re.findall(r"^\s+([a-z_]+)\s+=", snippet, re.MULTILINE))
    assert arguments == {"slack_bot_token_ssm_parameter_name", "slack_channel_id", "slack_channel_routes"}
    assert arguments <= set(blocks(REPO / "variables.tf", "variable"))


def test_answering_from_slack_adds_the_command_scope_only_and_its_snippet_names_real_inputs():
    from root_activity_notifier.delivery.answers import DECLARE_COMMAND
    from terraform_blocks import blocks

    section = (REPO / "docs" / "slack-app.md").read_text(encoding="utf-8").split("## Answering from Slack", 1)[1]
    manifest = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    url = manifest["settings"]["interactivity"]["request_url"]
    assert re.match(r"^https://[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.on\.aws/$", url)
    assert manifest["settings"] == {"interactivity": {"is_enabled": True, "request_url": url}}
    # the slash command the endpoint takes (delivery/answers.py), at the same URL; its scope only
    (command,) = manifest["features"]["slash_commands"]
    assert (command["command"], command["url"], command["should_escape"]) == (DECLARE_COMMAND, url, False)
    assert manifest["oauth_config"]["scopes"] == {"bot": ["chat:write", "channels:read", "groups:read", "commands"]}
    snippet = section.split("```hcl", 1)[1].split("```", 1)[0]
    arguments = set(re.findall(r"^\s+([a-z_]+)\s+=", snippet, re.MULTILINE))
    assert arguments == {
        "slack_interactivity",
        "slack_signing_secret_ssm_parameter_name",
        "slack_responder_user_ids",
        "escalation_sns_topic_arn",
    }
    assert arguments <= set(blocks(REPO / "variables.tf", "variable"))
    assert "slack_interactivity_url" in blocks(REPO / "outputs.tf", "output")


def test_a_release_is_cut_from_unreleased_and_refused_twice_or_empty():
    from release import cut_changelog

    text = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- A thing.\n\n## [0.1.0] - 2026-11-27\n\n- First.\n"
    cut = cut_changelog(text, "0.2.0", "2026-12-06")
    assert cut.index("## [Unreleased]") < cut.index("## [0.2.0] - 2026-12-06") < cut.index("- A thing.")
    with pytest.raises(SystemExit, match="nothing under Unreleased"):
        cut_changelog(cut, "0.3.0", "2026-12-07")
    with pytest.raises(SystemExit, match="already has a 0.2.0"):
        cut_changelog(cut, "0.2.0", "2026-12-07")


def test_the_pyproject_version_is_the_packages():
    assert re.search(r'(?m)^version = "([^"]+)"', (REPO / "pyproject.toml").read_text()).group(1) == __version__


def _anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings (outside code blocks)."""
    found, inside = set(), False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
        elif not inside and (heading := re.match(r"^#{1,6} (.*)$", line)):
            found.add(re.sub(r"[^\w\- ]", "", heading.group(1).replace("`", "").strip().lower()).replace(" ", "-"))
    return found


def test_every_relative_link_and_anchor_in_the_docs_resolves():
    """README.md links into docs/ and back: a moved section must not leave a dead link behind."""
    dead = []
    for document in READMES:
        for target in re.findall(r"\]\((?!https?://|mailto:)([^)\s]+)\)", document.read_text(encoding="utf-8")):
            path, _, anchor = target.partition("#")
            destination = (document.parent / path).resolve() if path else document
            if not destination.exists():
                dead.append(f"{document.relative_to(REPO)}: {target} (no such file)")
            elif anchor and destination.suffix == ".md" and anchor not in _anchors(destination):
                dead.append(f"{document.relative_to(REPO)}: {target} (no such heading)")
    assert dead == []
