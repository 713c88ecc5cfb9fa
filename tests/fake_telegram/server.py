"""``FakeBotApiServer``: a real HTTP/1.1 Bot API endpoint on 127.0.0.1 backed by FakeTelegram.

Routes:
  * ``/bot<token>/<method>``: GET (query string) or POST with form-urlencoded, JSON or
    multipart/form-data bodies (python-telegram-bot uses form-urlencoded without files and
    multipart with files);
  * ``/file/bot<token>/<file_path>``: the bytes of a stored file.
"""

from __future__ import annotations

import json
import re
import threading
from email import policy
from email.message import Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from .core import FakeTelegram, UploadedFile

_METHOD_PATH = re.compile(r"/bot([^/]*)/([^/]*)/?")
_FILE_PATH = re.compile(r"/file/bot([^/]*)/(.+)")

NOT_FOUND: dict[str, Any] = {"ok": False, "error_code": 404, "description": "Not Found"}
UNAUTHORIZED: dict[str, Any] = {"ok": False, "error_code": 401, "description": "Unauthorized"}


def _fix_header_text(value: str) -> str:
    """Headers are decoded as ASCII with surrogateescape; recover raw UTF-8 (httpx sends it)."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return value


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Parse a multipart/form-data body with the stdlib email parser.

    Parts with a filename become ``UploadedFile``; others become str values.
    """
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    if not message.is_multipart():
        return params
    parts = cast(list[Message], message.get_payload())
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        name = _fix_header_text(name)
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = UploadedFile(
                filename=_fix_header_text(filename),
                data=data,
                content_type=part.get_content_type(),
            )
        else:
            charset = part.get_content_charset() or "utf-8"
            params[name] = data.decode(charset, errors="replace")
    return params


class Hold:
    """Calls of one Bot API method wait until released: a slow Telegram, to test what the bot
    does while a call of an update is in flight. ``arrived`` is set when a call waits."""

    def __init__(self, method: str, timeout: float = 30.0) -> None:
        self.method = method
        self.timeout = timeout
        self.arrived = threading.Event()
        self._released = threading.Event()
        self._drop = False

    def wait_arrived(self, timeout: float = 10.0) -> None:
        if not self.arrived.wait(timeout):
            raise AssertionError(f"no {self.method} call arrived within {timeout}s")

    def release(self) -> None:
        self._released.set()

    def drop(self) -> None:
        """Lets the waiting calls go unanswered and unhandled, as a request lost with a
        killed process; later calls pass."""
        self._drop = True
        self._released.set()

    def _pass(self) -> bool:
        """Waits until released; True when this call is to be dropped."""
        if self._released.is_set():
            return False
        self.arrived.set()
        self._released.wait(self.timeout)
        return self._drop


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeTelegram) -> None:
        super().__init__(address, _Handler)
        self.fake = fake
        self.holds: dict[str, Hold] = {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeTelegramBotAPI/1.0"
    # One buffered write per response (flushed by handle_one_request) and TCP_NODELAY: avoids
    # the ~40 ms Nagle/delayed-ACK stall per request on keep-alive connections.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    @property
    def fake(self) -> FakeTelegram:
        return cast(_Server, self.server).fake

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _params(self, query: str, body: bytes) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        if not body:
            return params
        content_type = self.headers.get("Content-Type", "")
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind == "application/json":
            decoded = json.loads(body.decode("utf-8"))
            if isinstance(decoded, dict):
                params.update(decoded)
        elif kind == "multipart/form-data":
            params.update(parse_multipart(content_type, body))
        else:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        return params

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except (OSError, ValueError):
            self.close_connection = True
            return
        split = urlsplit(self.path)
        path = unquote(split.path)
        file_match = _FILE_PATH.fullmatch(path)
        if file_match is not None:
            self._serve_file(file_match.group(1), file_match.group(2))
            return
        match = _METHOD_PATH.fullmatch(path)
        if match is None or not match.group(2):
            self._send_json(404, NOT_FOUND)
            return
        if match.group(1) != self.fake.token:
            self._send_json(401, UNAUTHORIZED)
            return
        try:
            params = self._params(split.query, body)
        except (ValueError, UnicodeDecodeError):
            self._send_json(
                400,
                {"ok": False, "error_code": 400, "description": "Bad Request: invalid request"},
            )
            return
        hold = cast(_Server, self.server).holds.get(match.group(2).lower())
        if hold is not None and hold._pass():
            self.close_connection = True
            return
        status, response = self.fake.handle(match.group(2), params)
        self._send_json(status, response)

    def _serve_file(self, token: str, file_path: str) -> None:
        if token != self.fake.token:
            self._send_json(401, UNAUTHORIZED)
            return
        data = self.fake.file_bytes(file_path)
        if data is None:
            self._send_json(404, NOT_FOUND)
            return
        self._send(200, data, "application/octet-stream")

    def _send_json(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class FakeBotApiServer:
    """A FakeTelegram served over HTTP on 127.0.0.1 with an ephemeral port.

    Use as a context manager or with start()/stop(). ``base_url`` and ``base_file_url`` are
    what python-telegram-bot expects (it appends the token).
    """

    def __init__(
        self, fake: FakeTelegram | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.fake = fake if fake is not None else FakeTelegram()
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = _Server((self._host, self._port), self.fake)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="FakeBotApiServer",
            daemon=True,
        )
        self._server = server
        self._thread = thread
        thread.start()
        return self

    def hold(self, method: str) -> Hold:
        """From now on, calls of ``method`` wait until the returned Hold is released."""
        if self._server is None:
            raise RuntimeError("the server is not running")
        hold = Hold(method)
        self._server.holds[method.lower()] = hold
        return hold

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        for hold in server.holds.values():
            hold.release()
        self._server = None
        self._thread = None
        self.fake.interrupt_long_polls()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
        if exc_type is None:  # a test whose bot answered a press twice fails
            self.fake.assert_answered_once()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``"""
        return f"http://{self._host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` (python-telegram-bot appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:PORT/file/bot`` (python-telegram-bot appends the token)."""
        return f"{self.url}/file/bot"
