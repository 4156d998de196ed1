"""The session table and the follow-up queue in moto, as the module creates them, for tests and the
benchmark."""

from __future__ import annotations

from typing import Any

TABLE = "root-activity-notifier-sessions"


def create_session_table(dynamodb: Any, name: str = TABLE) -> None:
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def recording_follow_ups(monkeypatch: Any, queue_name: str = "notifier-sign-ins-and-changes") -> list[dict[str, Any]]:
    """Point NOTIFIER_FOLLOW_UP_QUEUE_URL at a queue in moto; each send_message's arguments are kept."""
    import boto3

    from root_activity_notifier.state import follow_up

    url = boto3.client("sqs", region_name="us-east-1").create_queue(QueueName=queue_name)["QueueUrl"]
    monkeypatch.setenv("NOTIFIER_FOLLOW_UP_QUEUE_URL", url)
    sent: list[dict[str, Any]] = []
    real = follow_up._default_client

    class Recording:
        def __init__(self) -> None:
            self.client = real()

        def send_message(self, **arguments: Any) -> Any:
            sent.append(arguments)
            return self.client.send_message(**arguments)

    monkeypatch.setattr(follow_up, "_default_client", Recording)
    return sent


def follow_up_batch(*sent: dict[str, Any]) -> dict[str, Any]:
    """Follow-ups as the event source mapping hands them over, once their delay has passed."""
    from .console_session import sqs_batch

    template = sqs_batch([{}])["Records"][0]
    return {
        "Records": [
            {**template, "messageId": f"follow-up-{number}", "body": each["MessageBody"]}
            for number, each in enumerate(sent)
        ]
    }


def deliver_follow_up(*sent: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    from root_activity_notifier.handler import lambda_handler

    from .invoke import LambdaContext

    return lambda_handler(follow_up_batch(*sent), LambdaContext(timeout))
