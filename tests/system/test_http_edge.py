"""The HTTP edge against hostile and careless clients (issue 9, items 2 and 8).

Requests are written byte by byte on raw sockets: the point is what the server does with
framing that well-behaved client libraries never produce. Memory is measured from the server's
own /proc accounting (RSS), as bounds relative to a baseline taken in the same test.
"""
from __future__ import annotations

import json
import os
import socket
import time

import pytest

from conftest import PROBLEM_BASE, TradeFactory

MIB = 1024 * 1024


# --------------------------------------------------------------------------------------------
# Raw HTTP
# --------------------------------------------------------------------------------------------


class RawResponse:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def problem_type(self) -> str:
        return self.json()["type"].removeprefix(PROBLEM_BASE)


def connect(server, timeout: float = 10) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_response(sock: socket.socket) -> RawResponse:
    """One response; raises if the connection ends first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed before a response; got {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed inside a response body")
        rest += chunk
    return RawResponse(status, headers, rest[:length])


def closed_by_server(sock: socket.socket, timeout: float = 5) -> bool:
    """True when the server ends the connection (EOF or reset) within `timeout`."""
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def exchange(server, raw: bytes) -> tuple[RawResponse, bool]:
    """Sends `raw`, reads one response; also whether the server closed the connection after it."""
    with connect(server) as sock:
        sock.sendall(raw)
        response = read_response(sock)
        return response, closed_by_server(sock)


def head(method: str, target: str, *lines: str, token: str | None = None) -> bytes:
    out = [f"{method} {target} HTTP/1.1", "Host: tradeagg"]
    if token:
        out.append(f"Authorization: Bearer {token}")
    out += list(lines)
    return ("\r\n".join(out) + "\r\n\r\n").encode()


def trade_body(participant: str = "EDGEHTTP") -> bytes:
    return json.dumps(TradeFactory("http-edge").new(participant)).encode()


def rss_bytes(server) -> int:
    with open(f"/proc/{server.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def measurable_memory_env(**env) -> dict:
    """The server's environment for a memory bound. Under AddressSanitizer, freed memory is held
    in a quarantine on purpose (to catch use after free); the bound measures the server, not the
    sanitizer, so the quarantine is turned off for these servers."""
    if os.environ.get("ASAN_OPTIONS") is not None:
        env["ASAN_OPTIONS"] = os.environ["ASAN_OPTIONS"] + ":quarantine_size_mb=0"
    return env


def wait_for_rss_below(server, limit: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while True:
        rss = rss_bytes(server)
        if rss <= limit or time.monotonic() > deadline:
            return rss
        time.sleep(0.2)


# --------------------------------------------------------------------------------------------
# Framing (item 8)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, raw", [
    ("bad chunk size",
     lambda t: head("POST", "/v1/trades", "Content-Type: application/json", "Transfer-Encoding: chunked",
                    token=t) + b"zz\r\n{}\r\n0\r\n\r\n"),
    ("overflowing chunk size",
     lambda t: head("POST", "/v1/trades", "Content-Type: application/json", "Transfer-Encoding: chunked",
                    token=t) + b"fffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"),
    ("Content-Length with Transfer-Encoding",
     lambda t: head("POST", "/v1/trades", "Content-Type: application/json", "Content-Length: 2",
                    "Transfer-Encoding: chunked", token=t) + b"2\r\n{}\r\n0\r\n\r\n"),
    ("two different Content-Lengths",
     lambda t: head("POST", "/v1/trades", "Content-Type: application/json", "Content-Length: 2",
                    "Content-Length: 3", token=t) + b"{} "),
    ("a header line without a colon",
     lambda t: head("POST", "/v1/trades", "Content-Type: application/json", "X-Broken header", "Content-Length: 2",
                    token=t) + b"{}"),
])
def test_broken_framing_is_400_and_the_connection_is_closed(server, admin, name, raw):
    response, closed = exchange(server, raw(admin.token))
    assert response.status == 400, (name, response.status, response.body)
    assert response.problem_type() == "malformed"
    assert response.json()["detail"], name
    assert response.headers.get("connection") == "close"
    assert closed, f"{name}: the server kept the connection open"
    assert admin.get("/healthz").status_code == 200


def test_a_header_section_over_the_limit_is_431_not_413(server, admin):
    response, closed = exchange(server, head("GET", "/v1/positions", "X-Padding: " + "a" * 20_000,
                                             token=admin.token))
    assert response.status == 431
    assert response.problem_type() == "header-too-large"
    assert "16384 bytes" in response.json()["detail"]
    assert closed


def test_a_body_over_the_limit_is_413_before_it_is_sent(server, admin):
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/trades", "Content-Type: application/json",
                          "Content-Length: 17000000", token=admin.token))
        response = read_response(sock)  # no body byte sent
    assert response.status == 413
    assert "16777216 bytes" in response.json()["detail"]


def test_expect_100_continue_gets_its_100_then_the_answer(server, admin):
    body = trade_body()
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/trades", "Content-Type: application/json", f"Content-Length: {len(body)}",
                          "Expect: 100-continue", token=admin.token))
        interim = read_response(sock)
        assert interim.status == 100
        sock.sendall(body)
        final = read_response(sock)
    assert final.status == 201, final.body


def test_expect_100_continue_without_a_token_is_401_and_no_100(server):
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/trades", "Content-Type: application/json", "Content-Length: 1000",
                          "Expect: 100-continue"))
        response = read_response(sock)
        assert response.status == 401
        assert closed_by_server(sock)


def test_an_expectation_other_than_100_continue_is_417(server, admin):
    response, _ = exchange(server, head("POST", "/v1/trades", "Content-Type: application/json", "Content-Length: 2",
                                        "Expect: something-else", token=admin.token) + b"{}")
    assert response.status == 417


def test_a_body_shorter_than_its_content_length_is_408_after_the_body_timeout(server_factory):
    server = server_factory("short-body", env={"TRADEAGG_BODY_TIMEOUT_SECONDS": "1"})
    token = server.client("admin").token
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/trades", "Content-Type: application/json", "Content-Length: 100",
                          token=token) + b'{"trade_id":')
        response = read_response(sock)
        assert response.status == 408
        assert response.problem_type() == "timeout"
        assert "12 of 100" in response.json()["detail"]
        assert closed_by_server(sock)
    assert server.client("admin").get("/v1/trades", params={"limit": 1}).status_code == 200


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_content_encoding_the_server_does_not_decode_is_415(server, admin, encoding):
    body = trade_body()
    response, _ = exchange(server, head("POST", "/v1/trades", "Content-Type: application/json",
                                        f"Content-Encoding: {encoding}", f"Content-Length: {len(body)}",
                                        token=admin.token) + body)
    assert response.status == 415
    assert response.problem_type() == "content-encoding"
    assert encoding in response.json()["detail"]


def test_a_transfer_coding_other_than_chunked_is_501(server, admin):
    response, closed = exchange(server, head("POST", "/v1/trades", "Content-Type: application/json",
                                             "Transfer-Encoding: gzip", token=admin.token) + b"{}")
    assert response.status == 501
    assert closed


def test_a_chunked_upload_is_read_whole(server, admin):
    body = trade_body()
    chunks = b"".join(f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:7], body[7:]))
    response, _ = exchange(server, head("POST", "/v1/trades", "Content-Type: application/json",
                                        "Transfer-Encoding: chunked", token=admin.token) + chunks + b"0\r\n\r\n")
    assert response.status == 201, response.body


def test_a_repeated_query_parameter_is_400_naming_it(admin):
    r = admin.get("/v1/trades?participant=A&participant=B")
    assert r.status_code == 400
    assert "'participant'" in r.json()["detail"]


def test_keep_alive_serves_request_after_request_on_one_connection(server, admin):
    with connect(server) as sock:
        for _ in range(3):
            sock.sendall(head("GET", "/v1/positions", token=admin.token))
            assert read_response(sock).status == 200
        # a refusal of a request without a body leaves the connection open too
        sock.sendall(head("GET", "/v1/positions"))
        assert read_response(sock).status == 401
        sock.sendall(head("GET", "/v1/positions", token=admin.token))
        assert read_response(sock).status == 200


# --------------------------------------------------------------------------------------------
# Memory and connections (item 2)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
def test_an_upload_without_a_valid_token_is_401_before_its_body_is_read(server, authorization):
    lines = ["Content-Type: application/json", "Content-Length: 16000000"]
    if authorization:
        lines.append(f"Authorization: {authorization}")
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/trades", *lines))  # the body never comes
        response = read_response(sock)
        assert response.status == 401
        assert response.headers.get("www-authenticate") == "Bearer"
        assert closed_by_server(sock)


def test_an_upload_to_an_unknown_route_is_404_before_its_body_is_read(server, admin):
    with connect(server) as sock:
        sock.sendall(head("POST", "/v1/nothing-here", "Content-Length: 16000000", token=admin.token))
        assert read_response(sock).status == 404


def stalled_uploads(server, n: int, declared: int, send: int, token: str | None) -> list[socket.socket]:
    """n connections, each declaring `declared` body bytes, sending up to `send` of them and stalling."""
    lines = ["Content-Type: application/json", f"Content-Length: {declared}"]
    socks = []
    chunk = b" " * MIB
    for _ in range(n):
        sock = connect(server)
        sock.sendall(head("POST", "/v1/trades", *lines, token=token))
        socks.append(sock)
    for sock in socks:  # then the bodies, as far as the server takes them
        sock.settimeout(2)
        sent = 0
        try:
            while sent < send:
                sent += sock.send(chunk[: min(len(chunk), send - sent)])
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
    return socks


def answers(socks) -> list[int | None]:
    """The status each connection was answered with, or None while it still waits."""
    out = []
    for sock in socks:
        sock.settimeout(0.5)
        try:
            out.append(read_response(sock).status)
        except (ConnectionError, socket.timeout, OSError):
            out.append(None)
    return out


def test_unauthenticated_uploads_cannot_pin_memory(server_factory):
    """The issue's attack: 80 connections without a token each send 15 MiB of a declared
    16,000,000-byte body and stall. Each is answered 401 from its head; the server holds none."""
    server = server_factory("pin-anon", env=measurable_memory_env())
    baseline = rss_bytes(server)
    socks = stalled_uploads(server, 80, 16_000_000, 15 * MIB, token=None)
    try:
        peak = rss_bytes(server)
        statuses = answers(socks)
    finally:
        for sock in socks:
            sock.close()
    assert statuses == [401] * 80
    assert peak - baseline < 64 * MIB, f"RSS grew {(peak - baseline) / MIB:.0f} MiB"
    assert server.client("admin").get("/healthz").status_code == 200


def test_authenticated_uploads_are_bounded_by_the_buffer_budget_and_memory_returns(server_factory):
    budget = 64 * MIB
    server = server_factory("pin-auth", env=measurable_memory_env(TRADEAGG_MAX_BUFFERED_BODY_BYTES=str(budget)))
    admin = server.client("admin")
    baseline = rss_bytes(server)
    # 20 uploads of 16 MiB stall before their last byte: four fill the budget, the rest are shed.
    socks = stalled_uploads(server, 20, 16 * MIB, 16 * MIB - 1, token=admin.token)
    try:
        peak = rss_bytes(server)
        statuses = answers(socks)
        shed = [s for s in statuses if s == 503]
        assert len(shed) == 16, statuses
        assert statuses.count(None) == 4, statuses  # the admitted ones still wait for their last byte
        assert peak - baseline < budget + 48 * MIB, f"RSS grew {(peak - baseline) / MIB:.0f} MiB"
        # While the budget is full, small requests are shed too, with a hint when to come back.
        r = admin.submit([TradeFactory("http-edge").new("EDGEBUSY")])
        assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    finally:
        for sock in socks:
            sock.close()
    after = wait_for_rss_below(server, baseline + 32 * MIB)
    assert after - baseline < 32 * MIB, f"RSS stayed {(after - baseline) / MIB:.0f} MiB above its baseline"
    r = admin.submit([TradeFactory("http-edge").new("EDGEBUSY")])
    assert r.status_code == 201, r.text


def test_connections_beyond_the_limit_get_503_and_are_closed(server_factory):
    server = server_factory("conn-cap", env={"TRADEAGG_MAX_CONNECTIONS": "50"})
    login = server.client("admin")
    token = login.token
    login.session.close()
    time.sleep(0.2)  # the server sees the login's connection end
    held = [connect(server) for _ in range(50)]
    try:
        # every held connection is still served ...
        held[0].sendall(head("GET", "/healthz"))
        assert read_response(held[0]).status == 200
        # ... while a 51st is answered 503 and closed at once
        with connect(server) as extra:
            response = read_response(extra)
            assert response.status == 503
            assert response.headers["retry-after"] == "1"
            assert closed_by_server(extra)
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.2)
    r = server.client("admin").get("/v1/positions", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
