"""Tell a Slack channel whenever the AWS account root user is used.

The package is the payload of the ``terraform-aws-root-activity-notifier`` Lambda function and a
small command line for previewing and sending messages. It needs only the standard library; boto3
(present in every Lambda Python runtime) is imported lazily, and only to read the webhook URL
from SSM Parameter Store.
"""

__version__ = "0.2.0"
