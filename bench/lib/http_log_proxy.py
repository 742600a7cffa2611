"""A tiny logging HTTP/1.1 reverse proxy: forwards every request to 127.0.0.1:UPSTREAM_PORT as it
came (same method, path, headers, Host included, and body, so SigV4 signatures still hold) and
logs one JSON line per request: when it came (epoch s), the upstream's time for it (ms, from
sending it on to having read the whole answer), tag, method, path, status, bytes each way.

Usage: http_log_proxy.py UPSTREAM_PORT TAG LOG READY   (writes its own port to the file READY)
For counting and timing a client's round trips (bench/lake_rest.sh), not for throughput: it
handles each client connection on a thread of its own, with one upstream connection each.
"""
import http.client
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

upstream_port, tag, log_path, ready_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
log = open(log_path, "a", buffering=1)
log_lock = threading.Lock()
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "transfer-encoding"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: http.client.HTTPConnection | None = None

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # no access log on stderr
        pass

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def forward(self, body: bytes) -> tuple[http.client.HTTPResponse, bytes]:
        while True:  # once more on a fresh connection if a kept-alive one turns out closed
            reused = self.upstream is not None
            if not reused:
                self.upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=120)
                self.upstream.connect()
                self.upstream.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                self.upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in HOP_BY_HOP:
                        self.upstream.putheader(name, value)
                if body or self.headers.get("Transfer-Encoding"):
                    if "Content-Length" not in self.headers:
                        self.upstream.putheader("Content-Length", str(len(body)))
                self.upstream.endheaders(body if body else None)
                response = self.upstream.getresponse()
                return response, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.upstream.close()
                self.upstream = None
                if not reused:
                    raise

    def handle_one(self):
        body = self.read_body()
        came, start = time.time(), time.perf_counter()
        response, answer = self.forward(body)
        ms = (time.perf_counter() - start) * 1000
        # The head and the body in one write: in two, Nagle's algorithm would hold the body back
        # until the client's delayed ACK of the head (40 ms on Linux), and the proxy would add it.
        head = [f"HTTP/1.1 {response.status} {response.reason}"]
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and not (name.lower() == "content-length" and self.command != "HEAD"):
                head.append(f"{name}: {value}")
        if self.command != "HEAD" and response.status not in (204, 304):
            head.append(f"Content-Length: {len(answer)}")
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + (b"" if self.command == "HEAD" else answer))
        with log_lock:
            log.write(json.dumps({"t": came, "ms": round(ms, 3), "tag": tag, "method": self.command, "path": self.path,
                                  "status": response.status, "sent": len(body), "received": len(answer)}) + "\n")

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = handle_one


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
server.daemon_threads = True
with open(ready_path, "w") as ready:
    ready.write(f"{server.server_address[1]}\n")
server.serve_forever()
