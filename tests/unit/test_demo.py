"""`make demo` and `make demo-organization` clean up and exit non-zero when anything fails, Ctrl-C
included (no Terraform here)."""

from __future__ import annotations

import socket

import demo
import demo_organization
import pytest


class FailingDeployment:
    instances: list[FailingDeployment] = []

    def __init__(self, aws, example, variables, module_arguments=None, forward_regions=()):
        self.aws, self.destroyed = aws, False
        FailingDeployment.instances.append(self)

    def apply(self):
        raise self.failure

    def destroy(self):
        # destroy must run while the emulator is still reachable
        with socket.create_connection(("127.0.0.1", self.aws.port), timeout=2):
            self.destroyed = True


@pytest.mark.parametrize("script", [demo, demo_organization])
@pytest.mark.parametrize("failure", [RuntimeError("terraform apply failed"), KeyboardInterrupt()])
def test_failure_or_ctrl_c_destroys_stops_everything_and_exits_non_zero(monkeypatch, capsys, failure, script):
    FailingDeployment.instances.clear()
    FailingDeployment.failure = failure
    monkeypatch.setattr(script, "ExampleDeployment", FailingDeployment)
    assert script.main() == 1
    (deployment,) = FailingDeployment.instances
    assert deployment.destroyed
    with pytest.raises(OSError):  # moto was stopped afterwards
        socket.create_connection(("127.0.0.1", deployment.aws.port), timeout=1).close()
    assert "DEMO FAILED" in capsys.readouterr().err
