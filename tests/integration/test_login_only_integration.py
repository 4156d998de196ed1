"""test_integration.py's checks on examples/login-only (the sign-ins-only pattern), in a file of its
own so that `make integration` (--dist loadfile) runs it beside the other files, on its own emulator."""

from __future__ import annotations

from test_integration import *  # noqa: F403 - every check and fixture of the single-account file

EXAMPLE = "login-only"
