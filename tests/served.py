"""The tests' HTTP client for the app: Starlette's TestClient (its cookies, base URL,
redirects, `app` and lifespan), each request served by the app on one event loop that
runs in a thread of its own for the client's life, as a server's loop does.

TestClient sends each request through an anyio portal, several thread trips (the body
read, the start of the answer, each part of it) and its task groups and cancel scopes:
about 3 ms of CPU a request, most of what a test of the API spends (docs/testing.md,
2026-12-06). Here a request is one trip to the loop (`run_coroutine_threadsafe`) and the
answer comes back whole. What the app does is the same: the same ASGI messages in the
same order; a `receive` after the body waits for the answer to be sent, then says the
client went away, as TestClient's does (a streamed answer listens for it); requests sent
from several threads at once are served at once on the one loop, their plain functions
in the app's thread pool."""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from urllib.parse import unquote

import httpx
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message


class _OnTheLoop(httpx.BaseTransport):
    def __init__(self, app: ASGIApp, raise_server_exceptions: bool) -> None:
        self.app = app
        self.raise_server_exceptions = raise_server_exceptions
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="app-loop", daemon=True)
        self.thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        headers = [(b"host", url.netloc)] if "host" not in request.headers else []
        headers += [(k.lower().encode(), v.encode()) for k, v in request.headers.multi_items()]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "root_path": "",
            "scheme": url.scheme,
            "query_string": url.query,
            "headers": headers,
            "client": ("testclient", 50000),
            "server": [url.host, url.port or {"https": 443}.get(url.scheme, 80)],
            "extensions": {"http.response.debug": {}},
            "state": {},
        }
        served = asyncio.run_coroutine_threadsafe(self._serve(scope, request.read()), self.loop)
        status, answer_headers, body = served.result()
        if request.method == "HEAD":
            body = b""
        return httpx.Response(status, headers=answer_headers, content=body, request=request)

    async def _serve(self, scope: dict[str, Any], body: bytes) -> tuple[int, list[Any], bytes]:
        answered = asyncio.Event()
        read = False
        status: int | None = None
        headers: list[Any] = []
        parts: list[bytes] = []

        async def receive() -> Message:
            nonlocal read
            if not read:
                read = True
                return {"type": "http.request", "body": body, "more_body": False}
            await answered.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                assert status is None, "two http.response.start messages"
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                assert status is not None, "http.response.body before http.response.start"
                parts.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    answered.set()

        try:
            await self.app(scope, receive, send)
        except BaseException:
            if self.raise_server_exceptions:
                raise
        finally:
            answered.set()
        if status is None:  # failed before answering, its failure not raised: a 500
            return 500, [], b""
        return status, headers, b"".join(parts)

    def close(self) -> None:
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class ServedClient(TestClient):
    """TestClient, its requests served on the app's own loop (module doc)."""

    def __init__(self, app: ASGIApp, raise_server_exceptions: bool = True, **kwargs: Any) -> None:
        super().__init__(app, raise_server_exceptions=raise_server_exceptions, **kwargs)
        # httpx.Client keeps the transport it sends through here, with no setter
        self._transport = self._served = _OnTheLoop(app, raise_server_exceptions)

    def __exit__(self, *args: Any) -> None:
        try:
            super().__exit__(*args)  # the lifespan; TestClient closes no transport
        finally:
            self._served.close()
