"""An HTTP proxy in front of a real server that can spoil its answers: the catalog behind it
does the work, the proxy only changes what tradeagg is told. It stands for the network and
load balancers between tradeagg and a catalog service, where an answer can be lost or turned
into a 5xx after the request took effect.

`FaultProxy(upstream).fail_after_forwarding(method, path_suffix, status, times)`: the next
`times` matching requests are forwarded, and answered with `status` whatever the server said.
`forwarded` counts the matching requests that reached the server.
"""
from __future__ import annotations

import http.server
import threading

import requests


class FaultProxy:
    def __init__(self, upstream: str):
        self.upstream = upstream.rstrip("/")
        self._lock = threading.Lock()
        self._rule: tuple[str, str, int] | None = None
        self._left = 0
        self.forwarded = 0
        self.spoiled = 0
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = requests.request(self.command, proxy.upstream + self.path, data=body, headers=headers,
                                          timeout=60, allow_redirects=False)
                status, payload = proxy._after(self.command, self.path, answer.status_code, answer.content)
                self.send_response(status)
                for k, v in answer.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_after_forwarding(self, method: str, path_suffix: str, status: int, times: int) -> None:
        with self._lock:
            self._rule = (method, path_suffix, status)
            self._left = times

    def _after(self, method: str, path: str, status: int, payload: bytes) -> tuple[int, bytes]:
        with self._lock:
            if self._rule is None or method != self._rule[0] or not path.split("?")[0].endswith(self._rule[1]):
                return status, payload
            self.forwarded += 1
            if self._left == 0:
                return status, payload
            self._left -= 1
            self.spoiled += 1
            error = b'{"error":{"message":"injected by the test proxy","type":"InternalServerError","code":%d}}'
            return self._rule[2], error % self._rule[2]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
