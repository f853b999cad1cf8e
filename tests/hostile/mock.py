"""A scriptable loopback HTTP server for the hostile cases: STS, the SSO portal and the
container endpoint, answering well or badly as a case asks.

It listens on 127.0.0.1 (an ephemeral port), counts the requests it got, and stops by itself
after `lifetime` seconds.
"""

import datetime
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class Mock:
    """`answer(n, method, path, body)` gives (status, headers, body bytes) or CLOSE for the
    n-th request (1-based)."""

    def __init__(self, answer, lifetime=120.0):
        self.requests = []
        self._lock = threading.Lock()
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 15

            def log_message(self, *args):
                pass

            def _answer(self, body):
                with mock._lock:
                    mock.requests.append((self.command, self.path))
                    n = len(mock.requests)
                reply = answer(n, self.command, self.path, body)
                if reply is CLOSE:
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    return
                status, headers, data = reply
                self.send_response(status)
                headers = dict(headers)
                headers.setdefault("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._answer(self.rfile.read(length) if length else b"")

            def do_GET(self):
                self._answer(b"")

            do_PUT = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()

    @property
    def count(self):
        with self._lock:
            return len(self.requests)

    def stop(self):
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


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
