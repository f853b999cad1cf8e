"""The loopback HTTP server under the harnesses' mocks (tests/difftest/mock.py,
tests/hostile/mock.py): it listens on 127.0.0.1 (an ephemeral port), serves from daemon threads
and stops by itself after `lifetime` seconds.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server:
    """Answers GET and POST requests (and PUT, as a GET, with `put`) with `respond(handler,
    body)`: the body of a POST is read by its Content-Length, any other request's is empty.
    Each connection waits at most `timeout` seconds for a request. `url` is where it listens."""

    def __init__(self, respond, lifetime, timeout, put=False):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                respond(self, self.rfile.read(length) if length else b"")

            def do_GET(self):
                respond(self, b"")

            if put:
                do_PUT = do_GET

        Handler.timeout = timeout
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()

    def stop(self):
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def reply(handler, status, headers, data):
    """Sends one answer: the status, `headers` (with a Content-Length unless they have one),
    then `data`. A client that has gone away before the body is not an error."""
    handler.send_response(status)
    headers = dict(headers)
    headers.setdefault("Content-Length", str(len(data)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    try:
        handler.wfile.write(data)
    except OSError:
        pass
