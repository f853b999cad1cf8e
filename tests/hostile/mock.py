"""A scriptable loopback HTTP server for the hostile cases: STS, the SSO portal and the
container endpoint, answering well or badly as a case asks.

It listens on 127.0.0.1 (an ephemeral port), counts the requests it got, and stops by itself
after `lifetime` seconds.
"""

import datetime
import os
import socket
import sys
import threading

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

import loopback  # noqa: E402

CLOSE = object()  # an answer that drops the connection without a response


def expiration(hours=1):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=hours)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def sts_ok(action="AssumeRole", key="ASIAMOCKACCESSKEY123", token="MOCKTOKEN"):
    """An STS answer with credentials (secret MOCKSECRET)."""
    body = (
        f"<{action}Response><{action}Result><AssumedRoleUser>"
        "<AssumedRoleId>AROAMOCK:s</AssumedRoleId>"
        "<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser><Credentials>"
        f"<AccessKeyId>{key}</AccessKeyId><SecretAccessKey>MOCKSECRET</SecretAccessKey>"
        f"<SessionToken>{token}</SessionToken><Expiration>{expiration()}</Expiration>"
        f"</Credentials></{action}Result></{action}Response>"
    )
    return 200, {"Content-Type": "text/xml"}, body.encode()


def sts_error(status, code, message):
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
        f"<Message>{message}</Message></Error></ErrorResponse>"
    )
    return status, {"Content-Type": "text/xml"}, body.encode()


def action_of(body):
    for part in body.decode("utf-8", "replace").split("&"):
        if part.startswith("Action="):
            return part[len("Action=") :]
    return "AssumeRole"


class Mock(loopback.Server):
    """`answer(n, method, path, body)` gives (status, headers, body bytes) or CLOSE for the
    n-th request (1-based)."""

    def __init__(self, answer, lifetime=120.0):
        self.requests = []
        self._lock = threading.Lock()
        self._answer = answer
        super().__init__(self._respond, lifetime, timeout=15, put=True)

    def _respond(self, req, body):
        with self._lock:
            self.requests.append((req.command, req.path))
            n = len(self.requests)
        answer = self._answer(n, req.command, req.path, body)
        if answer is CLOSE:
            req.close_connection = True
            try:
                req.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        loopback.reply(req, *answer)

    @property
    def count(self):
        with self._lock:
            return len(self.requests)


def sts(answer_for_n=None):
    """A Mock answering STS: `answer_for_n(n, action)` may replace the normal answer."""

    def answer(n, method, path, body):
        action = action_of(body)
        if answer_for_n is not None:
            reply = answer_for_n(n, action)
            if reply is not None:
                return reply
        return sts_ok(action)

    return Mock(answer)
