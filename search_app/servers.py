"""The two WSGI servers Setu runs under, made to answer their own errors in the API's JSON error shape.

waitress and gunicorn refuse some requests before the app sees them (a request line with raw
UTF-8, as `curl 'http://…/search?q=사회복지'` sends, is the common one): each answers with its own
plain-text or HTML page, which a client reading the API cannot parse. Here both answer
`{"error": {"code", "message"}}` instead, saying how to send the request.
"""

from __future__ import annotations

import json
import socket

from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import InvalidRequestLine
from gunicorn.workers.gthread import ThreadWorker
from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

# What a client sending raw non-ASCII bytes in the address is told to do instead.
PERCENT_ENCODE_HINT = (
    "the address holds characters that are not percent-encoded: encode them, "
    "as `curl -G --data-urlencode 'q=사회복지' URL` does"
)


def json_error(status: int, reason: str, message: str) -> bytes:
    """The API's error body for a refusal made by the server itself."""
    code = reason.lower().replace(" ", "_")
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode("utf-8")


def port_problem(host: str, port: int) -> str | None:
    """Why nothing can listen on host:port (taken, or not an address here), or None when it is free.

    Checked before anything is printed or loaded, so a busy port is one clear line, not a traceback
    after a "serving" message (a server binding later could still lose a race; it then fails as before).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        return f"cannot listen on {host}:{port}: {error.strerror or error}"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as both servers bind
        try:
            probe.bind(address)
        except OSError as error:
            return f"cannot listen on {host}:{port}: {error.strerror or error} (is another server running there?)"
    return None


class JsonErrorTask(ErrorTask):
    """waitress's answer to a request it refused while parsing, in the JSON error shape."""

    def execute(self):
        error = self.request.error
        message = PERCENT_ENCODE_HINT if error.body == "Bad URI" else f"{error.reason}: {error.body}"
        body = json_error(error.code, error.reason, message)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    """waitress's connection handler, answering parse errors with JsonErrorTask."""

    error_task_class = JsonErrorTask


def waitress_server(app, host: str, port: int, threads: int, ident: str = "setu"):
    """A bound waitress server (call `.run()`) whose own errors are JSON."""
    sockets: dict = {}  # waitress's socket map: its listening servers, and later their connections
    server = create_server(app, map=sockets, host=host, port=port, threads=threads, ident=ident)
    for listener in sockets.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = JsonErrorChannel
    return server


class JsonErrorWorker(ThreadWorker):
    """gunicorn's threaded worker, answering a request line it cannot read with the JSON error shape."""

    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, InvalidRequestLine):
            return super().handle_error(req, client, addr, exc)
        line = str(exc)
        message = PERCENT_ENCODE_HINT if any(ord(char) > 127 for char in line) else f"invalid request line {line!r}"
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], line)
        body = json_error(400, "Bad Request", message)
        head = (
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            client.sendall(head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send error message.")


class PreforkServer(BaseApplication):
    """gunicorn around an app already built (and warmed) in this process, forked into `--workers` processes."""

    def __init__(self, app, args, serving: str):
        self.application = app
        self.options = {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": JsonErrorWorker,
            "preload_app": True,
            "accesslog": None,
            "control_socket_disable": True,
            "graceful_timeout": 3,  # a stopped server stops: searches take milliseconds
            # No request-line limit of gunicorn's own (8 KB at most, or none): its 414 is an HTML page, while
            # the app refuses an overlong query itself with the JSON error shape (a 500-character Bengali
            # query is already 4.5 KB percent-encoded).
            "limit_request_line": 0,
            "when_ready": lambda server: print(serving, flush=True),
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application
