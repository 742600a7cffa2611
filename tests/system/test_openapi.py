"""The OpenAPI 3.1 document (web/openapi.json) against the server it describes.

The document is checked by tools we did not write: openapi-spec-validator says it is valid
OpenAPI 3.1, and openapi-core validates real traffic against it. The server's router lists its
routes (`tradeagg routes`), which must be exactly the documented ones. A workload drives every
documented operation through the API (successes and refusals) with requests Sessions whose
response hook records each exchange; every request and every response is then validated, and
each operation's verdict is a test of its own, so a mismatch names the operation.

A request the workload sends on purpose against the document (no token, a value outside its
schema) is marked: the document must then find it invalid too. Refusals the document cannot
express (an ISIN's check digit, an unknown query parameter) are sent as conforming requests.
"""
from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from jsonschema.exceptions import best_match
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.security.exceptions import SecurityProviderError
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.security.providers import BaseProvider
from openapi_core.validation.response.exceptions import HeaderValidationError
from openapi_spec_validator import OpenAPIV31SpecValidator

from conftest import (DEFAULT_PASSWORD, HTTP_TIMEOUT, ISINS, REPO_ROOT, Client, Server, TradeFactory,
                      binary_path, unique, with_wrong_check_digit)
from test_lake import wait_for_lake

SPEC_PATH = REPO_ROOT / "web" / "openapi.json"
SPEC = json.loads(SPEC_PATH.read_text())
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATIONS = {o["operationId"]: (m.upper(), p) for p, item in SPEC["paths"].items()
              for m, o in item.items() if m in METHODS}
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

ENV = {"TRADEAGG_SIGNUP_ENABLED": "true", "TRADEAGG_LAKE_FLUSH_INTERVAL_MS": "100",
       "TRADEAGG_INTRADAY_INTERVAL_SECONDS": "0"}
PAST = "2026-11-20T10:00:00Z"  # a Friday: business date 2026-11-20
PAST_DATE = "2026-11-20"


# ------------------------------------------------------------------------------------------
# The document itself
# ------------------------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1():
    assert SPEC["openapi"] == "3.1.0"
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in OpenAPIV31SpecValidator(SPEC).iter_errors()]
    assert not errors, "\n".join(errors[:30])


def has_example(media: dict) -> bool:
    """An example in the media type, or in its schema (followed through one $ref)."""
    if "example" in media or "examples" in media:
        return True
    schema = media.get("schema", {})
    if "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return bool(schema.get("examples")) or schema == {}


def test_every_operation_is_named_and_its_json_bodies_have_examples():
    # Tools (Swagger UI, client generators) name operations by these and show the examples.
    operations = [(m.upper(), p, o) for p, item in SPEC["paths"].items() for m, o in item.items() if m in METHODS]
    assert len(OPERATIONS) == len(operations), "an operationId is used twice"
    errors = [f"{m} {p}: no summary" for m, p, o in operations if not o.get("summary")]
    for method, path, o in operations:
        bodies = [("request", o.get("requestBody", {}).get("content", {}))]
        bodies += [(code, r.get("content", {})) for code, r in o["responses"].items() if code.startswith("2")]
        for where, content in bodies:
            for media_type, media in content.items():
                if "json" in media_type and not has_example(media):
                    errors.append(f"{method} {path} {where} {media_type}: no example")
    assert not errors, "\n".join(errors)


def test_the_server_serves_the_document_at_openapi_json(api_server):
    r = requests.get(api_server.url("/openapi.json"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("application/json"), r.headers
    assert r.json() == SPEC, "GET /openapi.json differs from web/openapi.json"


# ------------------------------------------------------------------------------------------
# The router's routes are the documented ones
# ------------------------------------------------------------------------------------------


def router_routes(tmp_path: Path, *flags: str) -> set[tuple[str, str]]:
    """`tradeagg routes`: the routes of the router `serve` builds (an Application on a scratch
    directory of its own), one `METHOD PATTERN` per line."""
    cmd = [str(binary_path()), "routes", *flags]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}"
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    malformed = [line for line in lines if not re.fullmatch(r"[A-Z]+ /\S*", line)]
    assert not malformed, f"lines that are not 'METHOD PATTERN': {malformed}"
    routes = [tuple(line.split(" ")) for line in lines]
    assert len(routes) == len(set(routes)), f"a route is registered twice: {sorted(routes)}"
    return set(routes)


def documented_routes() -> set[tuple[str, str]]:
    return set(OPERATIONS.values())


def assert_same_routes(registered: set, documented: set) -> None:
    undocumented = sorted(registered - documented)
    unregistered = sorted(documented - registered)
    assert not undocumented and not unregistered, (
        f"registered but not documented: {undocumented}\ndocumented but not registered: {unregistered}")


# server_factory: its teardown stops the session's object store, which the lake may have started.
def test_the_router_registers_exactly_the_documented_routes(tmp_path, tradeagg_bin):
    assert_same_routes(router_routes(tmp_path, "--fault-injection"), documented_routes())


def test_without_fault_injection_only_the_faults_route_is_missing(tmp_path, tradeagg_bin):
    # POST /v1/admin/faults exists only with --fault-injection (the document says so).
    assert_same_routes(router_routes(tmp_path), documented_routes() - {("POST", "/v1/admin/faults")})


def test_without_a_lake_only_the_iceberg_routes_are_missing(tmp_path, tradeagg_bin):
    iceberg = {route for route in documented_routes() if route[1].startswith("/iceberg/")}
    assert iceberg
    assert_same_routes(router_routes(tmp_path, "--without-lake"),
                       documented_routes() - iceberg - {("POST", "/v1/admin/faults")})


# ------------------------------------------------------------------------------------------
# Recording and validating traffic
# ------------------------------------------------------------------------------------------


@dataclass
class Exchange:
    request: requests.PreparedRequest
    response: requests.Response
    conforms: bool          # whether the request was meant to be valid by the document
    expected_status: int | None = None
    operation: str | None = None


def operation_of(method: str, path: str) -> str | None:
    """The documented operation a request reaches: the matching template with the most literal
    segments (as the router matches segment by segment)."""
    segments = path.split("/")
    best, best_literals = None, -1
    for op_id, (op_method, template) in OPERATIONS.items():
        parts = template.split("/")
        if op_method != method or len(parts) != len(segments):
            continue
        literals = 0
        for want, got in zip(parts, segments):
            if want.startswith("{") and want.endswith("}"):
                if not got:
                    break
            elif want != got:
                break
            else:
                literals += 1
        else:
            if literals > best_literals:
                best, best_literals = op_id, literals
    return best


class Traffic:
    """Every exchange of the clients it watches, in order."""

    def __init__(self, server: Server):
        self.server = server
        self.exchanges: list[Exchange] = []
        self._conforms = True

    def watch(self, client: Client) -> Client:
        client.session.hooks["response"].append(self._record)
        return client

    def anonymous(self) -> Client:
        return self.watch(Client(self.server, None))

    def client(self, token: str, **info) -> Client:
        return self.watch(Client(self.server, token, **info))

    def _record(self, response: requests.Response, *args, **kwargs) -> None:
        request = response.request
        self.exchanges.append(Exchange(request, response, self._conforms,
                                       operation=operation_of(request.method, urlsplit(request.url).path)))

    @contextmanager
    def against_the_document(self):
        """Requests sent here are invalid by the document on purpose (no token, a value outside
        its schema): the document must find them invalid."""
        self._conforms = False
        try:
            yield
        finally:
            self._conforms = True

    def expect(self, response: requests.Response, status: int) -> requests.Response:
        """The status the workload expects; checked with the rest (a wrong one fails its
        operation's test, not the whole workload)."""
        for exchange in reversed(self.exchanges):
            if exchange.response is response:
                exchange.expected_status = status
                return response
        raise AssertionError(f"{response.request.method} {response.url} was not recorded")

    def of(self, operation: str) -> list[Exchange]:
        return [e for e in self.exchanges if e.operation == operation]


class OAuth2BearerProvider(BaseProvider):
    """openapi-core leaves OAuth2 schemes unchecked; an OAuth2 access token travels as a bearer
    token (RFC 6750), so that is what is checked."""

    def __call__(self, parameters):
        authorization = parameters.header.get("Authorization", "")
        if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
            raise SecurityProviderError("Missing bearer token.")
        return authorization[7:]


def ndjson_loads(value: bytes, **parameters) -> list:
    return [json.loads(line) for line in value.decode("utf-8").splitlines() if line.strip()]


def text_loads(value: bytes, **parameters) -> str:
    return value.decode("utf-8")


def openapi() -> OpenAPI:
    security = SecurityProviderFactory()
    security.PROVIDERS = {**SecurityProviderFactory.PROVIDERS, "oauth2": OAuth2BearerProvider}
    return OpenAPI.from_dict(SPEC, config=Config(
        security_provider_factory=security,
        extra_media_type_deserializers={
            "application/problem+json": json_loads,
            "application/x-ndjson": ndjson_loads,
            "application/jsonl": ndjson_loads,
            "text/event-stream": text_loads,
        }))


def describe(error: BaseException) -> str:
    """An openapi-core error with the schema errors behind it."""
    lines = [f"{type(error).__name__}: {error}"[:300]]
    cause = error.__cause__
    while cause is not None:
        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            for e in list(schema_errors)[:10]:
                if getattr(e, "context", None):  # oneOf/anyOf: the branch that came closest
                    e = best_match(e.context)
                where = "/".join(map(str, getattr(e, "absolute_path", []))) or "(root)"
                lines.append(f"    at {where}: {getattr(e, 'message', e)}"[:600])
        else:
            lines.append(f"    {type(cause).__name__}: {cause}"[:600])
        cause = cause.__cause__
    return "\n".join(lines)


def is_request_id_error(error: BaseException) -> bool:
    return isinstance(error, HeaderValidationError) and error.name.lower() == "x-request-id"


def mismatches(api: OpenAPI, exchange: Exchange, *, request_id_errors: bool = False) -> list[str]:
    """What differs between an exchange and the document. Errors about the X-Request-Id response
    header are reported alone when `request_id_errors` (its own test), else left out."""
    req = RequestsOpenAPIRequest(exchange.request)
    resp = RequestsOpenAPIResponse(exchange.response)
    out = []
    if not request_id_errors:
        if exchange.expected_status is not None and exchange.response.status_code != exchange.expected_status:
            out.append(f"status {exchange.response.status_code}, the workload expected "
                       f"{exchange.expected_status}: {exchange.response.text[:300]}")
        request_errors = list(api.iter_request_errors(req))
        if exchange.conforms and request_errors:
            out += ["request: " + describe(e) for e in request_errors]
        if not exchange.conforms and not request_errors:
            out.append("request: sent against the document, but the document accepts it")
    response_errors = list(api.iter_response_errors(req, resp))
    out += ["response: " + describe(e) for e in response_errors if is_request_id_error(e) == request_id_errors]
    return out


def shown(exchange: Exchange) -> str:
    """`METHOD /path?query -> status (body ...)`, the body cut short."""
    url = urlsplit(exchange.request.url)
    body = exchange.request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    target = url.path + (f"?{url.query}" if url.query else "")
    return f"{exchange.request.method} {target} -> {exchange.response.status_code}" + \
        (f" (body {body[:200]!r})" if body else "")


# ------------------------------------------------------------------------------------------
# The workload
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_server(server_factory):
    # Fault injection: POST /v1/admin/faults exists and the store's 503 can be provoked.
    return server_factory("openapi", env=ENV, fault_injection=True)


def login(traffic: Traffic, username: str, password: str, **info) -> Client:
    r = traffic.expect(traffic.anonymous().post("/v1/auth/token", json={"username": username, "password": password}),
                       200)
    assert r.status_code == 200, r.text
    return traffic.client(r.json()["access_token"], username=username, password=password, **info)


def create_user(traffic: Traffic, admin: Client, role: str, participant: str | None = None) -> Client:
    body = {"username": unique(f"oa{role[0]}", 64), "password": DEFAULT_PASSWORD, "role": role}
    if participant:
        body["participant"] = participant
    r = traffic.expect(admin.post("/v1/users", json=body), 201)
    assert r.status_code == 201, r.text
    return login(traffic, body["username"], DEFAULT_PASSWORD, role=role, participant=participant)


def stream_chunks(response: requests.Response):
    """The bytes of a streamed body as they arrive (read1: no waiting for a full buffer)."""
    while chunk := response.raw.read1(65536):
        yield chunk


def sse_events(chunks):
    """(event, data) of a text/event-stream; comment lines (`: keep-alive`) are skipped."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while (end := re.search(rb"\r?\n\r?\n", buffer)) is not None:
            block, buffer = buffer[:end.start()], buffer[end.end():]
            event, data = None, []
            for line in block.decode("utf-8").splitlines():
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
            if event is not None or data:
                yield event or "message", "\n".join(data)


def read_first_event(client: Client, path: str, params: dict) -> requests.Response:
    """Opens an event stream and keeps what arrived up to the end of its first `positions` event
    as the response's content (the stream itself never ends)."""
    r = client.get(path, params=params, stream=True, timeout=20)
    received = []

    def chunks():
        for chunk in stream_chunks(r):
            received.append(chunk)
            yield chunk

    try:
        if r.status_code == 200:
            first = next((name for name, _ in sse_events(chunks()) if name == "positions"), None)
            assert first is not None, f"{path} ended without a positions event: {b''.join(received)[:500]!r}"
        else:
            received.append(r.raw.read())
    finally:
        r.close()
    r._content, r._content_consumed = b"".join(received), True
    return r


class AssetLinks(HTMLParser):
    """The src and href attributes of a page, as paths on the server (relative ones resolved as
    a browser would); links to other hosts, fragments and data: URLs are left out."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name not in ("src", "href") or not value or value.startswith(("#", "//")):
                continue
            url = urlsplit(urljoin(self.page_path, value))
            if not url.scheme and not url.netloc:
                self.links.append(url.path)


def page_assets(page: requests.Response) -> list[str]:
    parser = AssetLinks(urlsplit(page.url).path)
    parser.feed(page.text)
    return parser.links


@dataclass
class Actors:
    """The workload's clients (every one watched) and what they trade."""
    traffic: Traffic
    anon: Client
    admin: Client
    member: Client  # of participant `alpha`
    risk: Client
    alpha: str
    beta: str
    factory: TradeFactory


FAULT = {"point": "store.append.before_commit", "count": 1}  # the store's next commit fails: 503


def operations_and_users(a: Actors) -> None:
    t, e, anon, admin, member = a.traffic, a.traffic.expect, a.anon, a.admin, a.member
    e(anon.get("/healthz"), 200)
    e(anon.get("/readyz"), 200)
    e(anon.get("/metrics"), 200)
    e(anon.post("/v1/auth/token", json={"username": "admin", "password": "not-the-password"}), 401)
    with t.against_the_document():
        e(anon.post("/v1/auth/token", data=b'{"username": "admin"}'), 415)  # no Content-Type
        e(anon.post("/v1/auth/token", data=b"{not json", headers={"Content-Type": "application/json"}), 400)
    doomed = create_user(t, admin, "member", unique("GONE"))
    e(admin.post("/v1/users", json={"username": member.username, "password": DEFAULT_PASSWORD, "role": "risk"}), 409)
    e(member.post("/v1/users", json={"username": unique("x"), "password": DEFAULT_PASSWORD, "role": "risk"}), 403)
    with t.against_the_document():
        e(admin.post("/v1/users", json={"username": unique("x"), "password": DEFAULT_PASSWORD, "role": "boss"}), 422)
        e(admin.post("/v1/users", json={"username": "a b", "password": "short", "role": "member"}), 422)
        e(anon.get("/v1/users"), 401)
    e(admin.get("/v1/users"), 200)
    e(admin.get("/v1/users", params={"role": "admin"}), 400)  # no query parameters here
    e(member.get("/v1/users"), 403)
    e(admin.delete(f"/v1/users/{doomed.username}"), 204)
    e(admin.delete(f"/v1/users/{doomed.username}"), 404)
    e(admin.delete("/v1/users/admin"), 409)  # the last admin
    e(doomed.get("/v1/positions"), 401)  # its token died with it
    # Faults: the store's 503 (POST /submit_trade's is in proof_of_concept).
    e(admin.post("/v1/admin/faults", json=FAULT), 204)
    e(admin.submit(a.factory.new(a.alpha, counterparty=a.beta)), 503)
    e(member.post("/v1/admin/faults", json=FAULT), 403)
    with t.against_the_document():
        e(admin.post("/v1/admin/faults", data=b"{}"), 415)


def trades(a: Actors) -> dict:
    """Submits and reads trades; returns a trade of the member's, stored."""
    t, e, f, member, alpha, beta = a.traffic, a.traffic.expect, a.factory, a.member, a.alpha, a.beta
    single = f.new(None, counterparty=beta, trade_time=PAST)
    e(member.submit(single), 201)
    e(member.submit(single), 200)  # the same trade again: a duplicate, nothing new
    batch = [f.new(alpha, counterparty=beta, trade_time=PAST) for _ in range(4)]
    batch += [f.new(beta, counterparty=alpha, trade_time=PAST, currency="EUR"),
              f.new(alpha, counterparty=beta)]  # one of today
    batch[1].pop("price")
    batch[1]["notional"] = "123456.78901234"
    batch[2]["quantity"] = str(batch[2]["quantity"])
    e(a.admin.submit(batch), 201)
    e(member.submit_ndjson([f.new(alpha, counterparty=beta, trade_time=PAST) for _ in range(3)]), 201)
    e(member.post("/v1/trades", data=json.dumps(f.new(alpha, counterparty=beta)).encode(),
                  headers={"Content-Type": "application/jsonl"}), 201)
    e(member.submit(dict(single, quantity=int(single["quantity"]) + 1)), 409)  # same id, other content
    e(member.submit(f.new(beta, counterparty=alpha)), 403)  # another participant
    e(a.risk.submit(f.new(alpha, counterparty=beta)), 403)
    e(member.submit(f.new(alpha, counterparty=beta, instrument=with_wrong_check_digit(ISINS[0]))), 422)
    e(member.post("/v1/trades", params={"dry_run": "1"}, json=f.new(alpha, counterparty=beta)), 400)
    with t.against_the_document():
        e(member.submit([f.new(alpha, counterparty=beta, side="HOLD", quantity=0)]), 422)
        e(member.post("/v1/trades", data=b"[1, 2", headers={"Content-Type": "application/json"}), 400)
        e(member.post("/v1/trades", data=json.dumps(single).encode(), headers={"Content-Type": "text/csv"}), 415)
        e(a.anon.submit(single), 401)
        e(a.admin.submit(f.many(1, alpha, counterparty=beta, trade_time=PAST) * 10_001), 413)  # maxItems

    page = e(member.get("/v1/trades", params={"limit": 2}), 200)
    e(member.get("/v1/trades", params={"limit": 2, "cursor": page.json()["next_cursor"]}), 200)
    e(a.admin.get("/v1/trades", params={"participant": alpha, "business_date": PAST_DATE,
                                        "instrument": single["instrument"]}), 200)
    e(member.get("/v1/trades", params={"participant": beta}), 403)
    e(member.get("/v1/trades", params={"instrument": with_wrong_check_digit(ISINS[0])}), 422)
    e(member.get("/v1/trades", params={"partcipant": alpha}), 400)
    with t.against_the_document():
        e(member.get("/v1/trades", params={"limit": 0}), 422)
        e(member.get("/v1/trades", params={"business_date": "20261120"}), 422)
    e(member.get(f"/v1/trades/{alpha}/{single['trade_id']}"), 200)
    e(a.risk.get(f"/v1/trades/{alpha}/{single['trade_id']}"), 200)
    e(member.get(f"/v1/trades/{alpha}/no-such-trade"), 404)
    e(member.get(f"/v1/trades/{beta}/{batch[4]['trade_id']}"), 403)
    return dict(single, participant=alpha)


def positions(a: Actors, instrument: str) -> None:
    t, e, member = a.traffic, a.traffic.expect, a.member
    e(member.get("/v1/positions"), 200)
    e(a.admin.get("/v1/positions", params={"business_date": PAST_DATE}), 200)
    e(a.risk.get("/v1/positions", params={"business_date": PAST_DATE, "participant": a.alpha,
                                          "instrument": instrument}), 200)
    e(member.get("/v1/positions", params={"participant": a.beta}), 403)
    e(member.get("/v1/positions", params={"instrument": with_wrong_check_digit(ISINS[0])}), 422)
    with t.against_the_document():
        e(member.get("/v1/positions", params={"business_date": "20261120"}), 422)
    e(read_first_event(member, "/v1/positions/stream", {"business_date": PAST_DATE}), 200)
    e(read_first_event(a.risk, "/v1/positions/stream", {"participant": a.alpha}), 200)
    e(read_first_event(member, "/v1/positions/stream", {"participant": a.beta}), 403)


def proof_of_concept(a: Actors) -> None:
    t, e, anon = a.traffic, a.traffic.expect, a.anon
    user, participant = unique("poc"), unique("POC")
    e(anon.post("/signup", json={"username": user, "password": DEFAULT_PASSWORD, "participant": participant}), 201)
    e(anon.post("/signup", json={"username": unique("poc"), "password": DEFAULT_PASSWORD,
                                 "participant": participant}), 409)  # the participant has a user
    with t.against_the_document():
        e(anon.post("/signup", json={"username": unique("poc"), "password": "short"}), 422)
    r = e(anon.post("/token", data={"username": user, "password": DEFAULT_PASSWORD, "grant_type": "password"}), 200)
    assert r.status_code == 200, r.text
    poc = t.client(r.json()["access_token"], username=user)
    e(anon.post("/token", data={"username": user, "password": "wrong-password-1"}), 401)
    with t.against_the_document():
        e(anon.post("/token", json={"username": user, "password": DEFAULT_PASSWORD}), 415)
    trade = {"TradeId": unique("POC-", 64), "Trader": participant, "Counterparty": a.beta, "ISIN": ISINS[5],
             "TradeType": "buy", "Quantity": 100.0, "Notional": 1234.5, "Ccy": "GBP",
             "DateTime": "2026-11-20T10:00:00"}
    e(poc.post("/submit_trade", json=trade), 200)
    e(poc.post("/submit_trade", json=trade), 200)  # a duplicate
    e(poc.post("/submit_trade", json=dict(trade, Quantity=101)), 409)
    e(poc.post("/submit_trade", json=dict(trade, TradeId=unique("POC-", 64), Trader=a.beta)), 403)
    e(poc.post("/submit_trade", json=dict(trade, TradeId=unique("POC-", 64), ISIN=with_wrong_check_digit(ISINS[5]))),
      422)
    e(a.admin.post("/v1/admin/faults", json=FAULT), 204)
    e(poc.post("/submit_trade", json=dict(trade, TradeId=unique("POC-", 64))), 503)
    with t.against_the_document():
        e(poc.post("/submit_trade", json=dict(trade, TradeType="HOLD")), 422)
        e(poc.post("/submit_trade", json=[trade, trade]), 400)
        e(poc.post("/submit_trade", data=b"TradeId=1", headers={"Content-Type": "application/x-www-form-urlencoded"}),
          415)
        e(anon.post("/submit_trade", json=trade), 401)


def fx_rates(a: Actors) -> None:
    t, e, risk, member = a.traffic, a.traffic.expect, a.risk, a.member
    url = f"/v1/fx-rates/{PAST_DATE}"
    e(risk.request("PUT", url, json={"rates": {"EUR": "1.0843", "GBP": "1.2675"}}), 200)
    e(member.get(url), 200)
    e(member.get("/v1/fx-rates/2026-11-23"), 200)  # none loaded: empty
    e(member.request("PUT", url, json={"rates": {"EUR": "1.1"}}), 403)
    e(risk.request("PUT", url, json={"rates": {"XXX": "1.1"}}), 422)  # not a configured currency
    with t.against_the_document():
        e(risk.request("PUT", url, json={"rates": {"EUR": 1.1}}), 422)  # a number, not a string
        e(member.get("/v1/fx-rates/not-a-date"), 404)
        e(risk.request("PUT", url, json=["EUR"]), 400)


def lake_runs_and_exposures(a: Actors) -> None:
    t, e, admin, risk, member = a.traffic, a.traffic.expect, a.admin, a.risk, a.member
    # The last append before the runs is an accepted trade. On the MongoDB store a duplicate,
    # conflicting or failed append leaves its seq void, the store's last seq, and a run waits for
    # the lake's watermark to reach it, which only a later accepted trade's export does.
    e(member.submit(a.factory.new(a.alpha, counterparty=a.beta, trade_time=PAST)), 201)
    wait_for_lake(admin)  # recorded too: GET /v1/lake while the exporter catches up
    e(admin.get("/v1/lake"), 200)
    e(member.get("/v1/lake"), 200)
    e(admin.get("/v1/lake", params={"verbose": "1"}), 400)

    r = e(risk.post("/v1/aggregations", json={"business_date": PAST_DATE, "kind": "eod"}), 202)
    assert r.status_code == 202, r.text
    run_id = r.json()["run_id"]
    deadline = time.monotonic() + 60
    while (run := risk.get(f"/v1/aggregations/{run_id}").json())["status"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, f"run {run_id} still {run['status']}"
        time.sleep(0.1)
    assert run["status"] == "succeeded", run
    e(admin.post("/v1/aggregations", json={"business_date": PAST_DATE, "kind": "intraday",
                                           "as_of_snapshot_id": run["snapshot_id"]}), 202)
    e(admin.post("/v1/aggregations", json={"business_date": "2099-01-02", "kind": "eod"}), 422)  # not begun
    e(member.post("/v1/aggregations", json={"business_date": PAST_DATE, "kind": "eod"}), 403)
    with t.against_the_document():
        e(risk.post("/v1/aggregations", json={"business_date": PAST_DATE, "kind": "weekly"}), 422)
        e(risk.post("/v1/aggregations", data=b"{}"), 415)
    page = e(risk.get("/v1/aggregations", params={"limit": 1}), 200)
    e(risk.get("/v1/aggregations", params={"limit": 1, "cursor": page.json()["next_cursor"]}), 200)
    e(admin.get("/v1/aggregations", params={"from": PAST_DATE, "to": PAST_DATE, "kind": "eod",
                                            "status": "succeeded"}), 200)
    e(risk.get(f"/v1/aggregations/{run_id}"), 200)
    e(risk.get("/v1/aggregations/999999"), 404)
    e(member.get(f"/v1/aggregations/{run_id}"), 403)
    with t.against_the_document():
        e(risk.get("/v1/aggregations", params={"status": "done"}), 422)

    for level in ("participant", "instrument", "counterparty", "reporting"):
        e(risk.get("/v1/exposures", params={"business_date": PAST_DATE, "level": level}), 200)
    e(member.get("/v1/exposures", params={"business_date": PAST_DATE}), 200)
    e(admin.get("/v1/exposures", params={"run": run_id, "participant": a.alpha, "level": "instrument"}), 200)
    e(admin.get("/v1/exposures", params={"business_date": PAST_DATE, "kind": "eod"}), 200)
    e(risk.get("/v1/exposures", params={"business_date": "2026-11-23"}), 404)  # no run of that date
    e(member.get("/v1/exposures", params={"business_date": PAST_DATE, "participant": a.beta}), 403)
    with t.against_the_document():
        e(risk.get("/v1/exposures", params={"level": "desk"}), 422)
    e(risk.get("/v1/exposures/history", params={"business_date": PAST_DATE}), 200)
    e(member.get("/v1/exposures/history", params={"from": PAST_DATE, "to": "2026-11-23"}), 200)
    e(risk.get("/v1/exposures/history", params={"from": "2026-11-23", "to": PAST_DATE}), 422)  # to before from
    e(member.get("/v1/exposures/history", params={"participant": a.beta}), 403)


def iceberg_rest(a: Actors) -> None:
    traffic, e, admin, risk, member, anon = a.traffic, a.traffic.expect, a.admin, a.risk, a.member, a.anon
    base = "/iceberg/v1"
    e(risk.get(f"{base}/config", params={"warehouse": "tradeagg"}), 200)
    e(risk.get(f"{base}/namespaces"), 200)
    e(risk.get(f"{base}/namespaces", params={"parent": "tradeagg"}), 200)
    e(risk.get(f"{base}/namespaces", params={"parent": "nowhere"}), 404)
    e(risk.get(f"{base}/namespaces/tradeagg"), 200)
    e(risk.request("HEAD", f"{base}/namespaces/tradeagg"), 204)
    e(risk.request("HEAD", f"{base}/namespaces/nowhere"), 404)
    e(risk.get(f"{base}/namespaces/nowhere"), 404)
    e(risk.get(f"{base}/namespaces/tradeagg/tables"), 200)
    e(admin.get(f"{base}/namespaces/tradeagg/tables/trades", params={"snapshots": "all"}), 200)
    e(admin.get(f"{base}/namespaces/tradeagg/tables/exposures"), 200)
    e(risk.request("HEAD", f"{base}/namespaces/tradeagg/tables/trades"), 204)
    e(risk.request("HEAD", f"{base}/namespaces/tradeagg/tables/nothing"), 404)
    e(risk.get(f"{base}/namespaces/tradeagg/tables/nothing"), 404)
    e(member.get(f"{base}/config"), 403)
    e(member.request("HEAD", f"{base}/namespaces/tradeagg"), 403)
    with traffic.against_the_document():
        e(risk.get(f"{base}/namespaces/tradeagg/tables/trades", params={"snapshots": "some"}), 400)
        e(anon.get(f"{base}/config"), 401)
        e(anon.get(f"{base}/namespaces/tradeagg/tables/trades"), 401)
        e(anon.request("HEAD", f"{base}/namespaces/tradeagg/tables/trades"), 401)
        e(anon.post(f"{base}/namespaces", json={"namespace": ["x"]}), 401)
    # Every write route of the protocol: 403, read-only.
    for method, path in [("POST", "/namespaces"), ("DELETE", "/namespaces/tradeagg"),
                         ("POST", "/namespaces/tradeagg/properties"), ("POST", "/namespaces/tradeagg/tables"),
                         ("POST", "/namespaces/tradeagg/register"), ("POST", "/namespaces/tradeagg/tables/trades"),
                         ("DELETE", "/namespaces/tradeagg/tables/trades"), ("POST", "/tables/rename"),
                         ("POST", "/transactions/commit")]:
        kwargs = {"json": {}} if method == "POST" else {}
        e(admin.request(method, base + path, **kwargs), 403)
    # The OAuth2 client-credentials exchange: in the form, and as HTTP Basic.
    form = {"grant_type": "client_credentials", "client_id": risk.username, "client_secret": risk.password}
    e(anon.post(f"{base}/oauth/tokens", data=form), 200)
    e(anon.post(f"{base}/oauth/tokens", data={"grant_type": "client_credentials", "scope": "catalog"},
                auth=(risk.username, risk.password)), 200)
    e(anon.post(f"{base}/oauth/tokens", data=dict(form, client_secret="wrong-password-1")), 401)
    e(anon.post(f"{base}/oauth/tokens", data=dict(form, grant_type="refresh_token")), 400)


def front_end(a: Actors) -> None:
    """The pages, every file they load, this document, and files that are not there."""
    e, anon = a.traffic.expect, a.anon
    pages = [e(anon.get("/"), 200), e(anon.get("/docs"), 200)]
    e(anon.get("/openapi.json"), 200)
    assets = sorted({link for page in pages if page.status_code == 200 for link in page_assets(page)
                     if link.startswith(("/dashboard/", "/docs/", "/vendor/"))})
    for link in assets:
        e(anon.get(link), 200)
    e(anon.get(f"/dashboard/no-such-file-{uuid.uuid4().hex}.js"), 404)
    e(anon.get(f"/docs/no-such-file-{uuid.uuid4().hex}.js"), 404)
    e(anon.get(f"/vendor/no-such-package/{uuid.uuid4().hex}.js"), 404)


@pytest.fixture(scope="module")
def traffic(api_server) -> Traffic:
    """Every documented operation, its successes and its refusals, recorded."""
    t = Traffic(api_server)
    admin = login(t, "admin", api_server.admin_password, role="admin")
    alpha, beta = unique("ALPHA"), unique("BETA")
    a = Actors(t, t.anonymous(), admin, create_user(t, admin, "member", alpha), create_user(t, admin, "risk"),
               alpha, beta, TradeFactory("openapi"))
    operations_and_users(a)
    stored = trades(a)
    positions(a, stored["instrument"])
    proof_of_concept(a)
    fx_rates(a)
    lake_runs_and_exposures(a)
    iceberg_rest(a)
    front_end(a)
    return t


# ------------------------------------------------------------------------------------------
# Verdicts
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> OpenAPI:
    return openapi()


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_traffic_conforms_to_the_document(traffic, validator, operation):
    """Every exchange of the operation has the status the workload expected, its request is
    valid by the document (or invalid, where sent so on purpose), and its response is one the
    document describes: status, media type, body and headers (X-Request-Id: its own test)."""
    exchanges = traffic.of(operation)
    method, path = OPERATIONS[operation]
    assert exchanges, f"the workload never reached {method} {path}"
    # A route answering only refusals (or only 404 for want of it) would pass hollowly.
    if any(code.startswith("2") for code in SPEC["paths"][path][method.lower()]["responses"]):
        assert any(200 <= e.response.status_code < 300 for e in exchanges), \
            f"no exchange of {method} {path} succeeded: {sorted({e.response.status_code for e in exchanges})}"
    report = []
    for exchange in exchanges:
        found = mismatches(validator, exchange)
        if found:
            report.append(shown(exchange) + "\n  " + "\n  ".join(found))
    assert not report, f"{len(report)} of {len(exchanges)} exchanges of {method} {path} differ from the document:\n" + \
        "\n".join(report[:15])


def test_the_workload_reaches_documented_routes_only(traffic):
    strays = [shown(e) for e in traffic.exchanges if e.operation is None]
    assert not strays, "requests to no documented route:\n" + "\n".join(strays)


def test_every_response_carries_a_documented_request_id(traffic, validator):
    report = []
    for exchange in traffic.exchanges:
        found = mismatches(validator, exchange, request_id_errors=True)
        if found:
            report.append(shown(exchange) + "\n  " + "\n  ".join(found))
    assert not report, f"{len(report)} of {len(traffic.exchanges)} responses:\n" + "\n".join(report[:20])


def test_the_request_id_is_echoed_when_well_formed_and_generated_otherwise(api_server):
    url = api_server.url
    sent = "req.ID_42-" + uuid.uuid4().hex
    for path in ("/healthz", "/v1/users"):  # a success and a refusal (401) alike
        r = requests.get(url(path), headers={"X-Request-Id": sent}, timeout=HTTP_TIMEOUT)
        assert r.headers.get("X-Request-Id") == sent, (path, r.status_code, r.headers)
    for bad in ("x" * 65, "has space", "semi;colon", ""):
        r = requests.get(url("/healthz"), headers={"X-Request-Id": bad}, timeout=HTTP_TIMEOUT)
        got = r.headers.get("X-Request-Id", "")
        assert REQUEST_ID.fullmatch(got) and got != bad, (bad, r.headers)
    generated = {requests.get(url("/healthz"), timeout=HTTP_TIMEOUT).headers.get("X-Request-Id") for _ in range(5)}
    assert None not in generated and len(generated) == 5, generated
    assert all(REQUEST_ID.fullmatch(g) for g in generated), generated


# ------------------------------------------------------------------------------------------
# The event stream and the metrics, beyond what a schema says
# ------------------------------------------------------------------------------------------


def test_the_positions_stream_sends_the_positions_on_connect_and_when_the_book_changes(api_server):
    admin = api_server.client("admin")
    participant, other = unique("SSE"), unique("SSEB")
    factory = TradeFactory("openapi-sse")
    assert admin.submit(factory.new(participant, counterparty=other, trade_time=PAST)).status_code == 201
    params = {"participant": participant, "business_date": PAST_DATE}
    # A read timeout above the 15 s keep-alive: a silent stream fails rather than hangs.
    with admin.session.get(api_server.url("/v1/positions/stream"), params=params, stream=True,
                           timeout=40) as stream:
        assert stream.status_code == 200, stream.text[:500]
        assert stream.headers["Content-Type"].startswith("text/event-stream"), stream.headers
        events = sse_events(stream_chunks(stream))
        name, data = next(events)
        assert name == "positions", (name, data)
        assert json.loads(data) == admin.positions(**params), "the first event is not GET /v1/positions"
        r = admin.submit(factory.new(participant, counterparty=other, trade_time=PAST))
        assert r.status_code == 201, r.text
        seq = r.json()["trades"][0]["seq"]
        for name, data in events:
            if name == "positions" and json.loads(data)["watermark"] >= seq:
                assert json.loads(data) == admin.positions(**params)
                break
        else:
            pytest.fail("no positions event after the book changed")


def test_metrics_are_the_prometheus_text_format(api_server):
    from prometheus_client.parser import text_string_to_metric_families
    r = requests.get(api_server.url("/metrics"), timeout=HTTP_TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].replace(" ", "").startswith("text/plain;version=0.0.4"), r.headers
    families = list(text_string_to_metric_families(r.text))
    assert families, "no metric families"
