"""Declared expected use (core/windows.py): announce each window in the channel, then label what it covers.

Whenever the function sees root activity of an account, or is asked to by the ``expect`` command
(an ``announce`` message on its own queue), it reads the account's windows from the session table.
A window not announced yet is announced once (the table's conditional write) in the account's
channel, after the batch and its pages went out, so that a slow Slack never delays a page; it
applies from that moment, so what happened before, this batch included, is never labelled by a
window nobody has seen. A window the notifier does not honour (too long, no reason,
no author) is logged and ignored.
"""

from __future__ import annotations

from collections import namedtuple
from datetime import datetime, timezone

from ..config.secrets import SecretUnavailable
from ..config.settings import ConfigurationError
from ..core.classify import Activity
from ..core.windows import WindowError, covering, read_window
from ..render.blocks import format_time, labelled_account, section_text, slack_date, slack_payload
from ..render.mrkdwn import escape, escape_within
from ..render.words import WORDING
from ..shared.log import log_line
from ..slack.http import DeliveryError
from ..state.store import StoreUnavailable

TYPE_CHECKING = False  # annotations only: importing typing would slow every cold start
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from ..core.sessions import Occurrence
    from ..core.windows import Window


class DeclaredWindows(namedtuple("DeclaredWindows", ["store", "destination", "options", "deadline", "clock"])):
    """The session table's windows (``store``, a SessionStore); announcements go to ``destination``,
    drawn with ``options`` (RenderOptions); ``clock()``: now, in epoch seconds."""

    __slots__ = ()

    def label(self, batch: Iterable[Occurrence]) -> tuple[list[Occurrence], list[Window]]:
        """The batch with each occurrence an announced window covers labelled, and the windows found
        unannounced. Reads the table only: those are announced after the batch (and its pages) went
        out (``announce``), since they cover nothing that happened before their announcement anyway."""
        batch = list(batch)
        windows: list[Window] = []
        for account in sorted({occurrence.record.account_id for occurrence in batch if occurrence.record.account_id}):
            windows += self._read(account)
        unannounced = [window for window in windows if window.announced_at is None and window.ends > self.clock()]
        labelled = []
        for occurrence in batch:
            # A window covers root use; a change to the notifier is never expected by declaring one.
            changed = occurrence.classification.activity is Activity.NOTIFIER_CHANGED
            window = None if changed else covering(windows, occurrence.record)
            classification = occurrence.classification._replace(declared=window) if window else None
            labelled.append(occurrence._replace(classification=classification) if classification else occurrence)
        return labelled, unannounced

    def announce(self, unannounced: Iterable[Window] = (), accounts: Iterable[str] = ()) -> None:
        """Announce the windows ``label`` found unannounced, then every window of ``accounts`` not
        announced yet (the ``expect`` command asked)."""
        for window in unannounced:
            self._announce(window)
        for account in accounts:
            self.announce_account(account)

    def announce_account(self, account: str) -> list[Window]:
        """The account's windows, each announced (now, if it was not yet); [] when the table fails."""
        return [
            self._announce(window) if window.announced_at is None and window.ends > self.clock() else window
            for window in self._read(account)
        ]

    def _read(self, account: str) -> list[Window]:
        try:
            written = self.store.windows(account)
        except StoreUnavailable as error:
            log_line("WARNING", "declared windows not read", account=account, error=str(error))
            return []
        windows = []
        for window_id, text, announced_at in written:
            try:
                windows.append(read_window(window_id, account, text, announced_at))
            except WindowError as error:
                log_line("WARNING", "declared window ignored", account=account, window=window_id, why=str(error))
        return windows

    def _announce(self, window: Window) -> Window:
        now = self.clock()
        try:
            self.destination.prepare()
            self.destination.post(self._message(window), self.deadline, account=window.account)
        except (DeliveryError, ConfigurationError, SecretUnavailable) as error:
            log_line("ERROR", "declared window NOT announced; it does not apply", window=window.id, error=str(error))
            return window
        try:
            if not self.store.mark_announced(window.account, window.id, now):
                log_line("INFO", "declared window announced by another invocation too", window=window.id)
        except StoreUnavailable as error:  # announced, not recorded: it applies here, and is announced again
            log_line("WARNING", "declared window announced but not recorded", window=window.id, error=str(error))
        log_line(
            "INFO",
            "declared window announced",
            account=window.account,
            window=window.id,
            declared_by=window.declared_by,
            reason=window.reason,
            ends=datetime.fromtimestamp(window.ends, tz=timezone.utc).isoformat(),
            outcome="announced",
        )
        return window._replace(announced_at=now)

    def _message(self, window: Window) -> dict[str, Any]:
        words = WORDING[self.options.language]
        starts = datetime.fromtimestamp(max(window.starts, self.clock()), tz=timezone.utc)
        ends = datetime.fromtimestamp(window.ends, tz=timezone.utc)
        account = labelled_account(window.account, self.options)
        text = escape(words.window_text).format(
            starts=slack_date(starts, format_time(starts, self.options.time_zone)),
            ends=slack_date(ends, format_time(ends, self.options.time_zone)),
            reason=escape_within(window.reason, 500),
            who=escape_within(window.declared_by, 200),
        )
        headline = words.window_headline.format(account=window.account)
        blocks = [
            {"type": "header", "text": {"type": "plain_text", "text": f":memo: {headline}"[:150], "emoji": True}},
            section_text(text),
        ]
        return slack_payload(f":memo: {escape(headline)} ({account})", blocks)
