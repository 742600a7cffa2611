"""Authentication, tokens, users (admin API and CLI) and /signup."""

import base64
import json
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import store_backend

from conftest import (ADMIN_PASSWORD, DEFAULT_PASSWORD, HTTP_TIMEOUT, Client, Server, UserFactory,
                      assert_problem, binary_path, unique)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def assert_unauthenticated(r):
    assert_problem(r, 401, "unauthenticated")
    assert r.headers.get("WWW-Authenticate", "").startswith("Bearer"), r.headers


# -- tokens -----------------------------------------------------------------------------------


def test_v1_token_happy(server):
    r = server.anonymous().post("/v1/auth/token",
                                json={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["access_token"], str) and body["access_token"].count(".") == 2
    assert body["expires_in"] == 8 * 3600  # default token_ttl
    header = json.loads(b64url_decode(body["access_token"].split(".")[0]))
    assert header["alg"] == "HS256"
    c = Client(server, body["access_token"])
    assert c.get("/v1/users").status_code == 200


@pytest.mark.parametrize("creds", [
    {"username": "admin", "password": "wrong-password"},
    {"username": "nobody-here", "password": ADMIN_PASSWORD},
    {"username": "admin", "password": ""},
])
def test_v1_token_bad_credentials(server, creds):
    r = server.anonymous().post("/v1/auth/token", json=creds)
    assert r.status_code == 401, r.text
    assert "access_token" not in r.text


def test_form_token_happy(server):
    r = server.anonymous().post("/token", data={"username": "admin", "password": ADMIN_PASSWORD,
                                                "grant_type": "password", "scope": ""})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer"
    # The form route's token is an ordinary bearer token for every route.
    assert Client(server, body["access_token"]).get("/v1/users").status_code == 200
    # grant_type and scope are optional.
    r = server.anonymous().post("/token", data={"username": "admin", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text


def test_form_token_bad_credentials(server):
    r = server.anonymous().post("/token", data={"username": "admin", "password": "nope-nope"})
    assert r.status_code == 401, r.text
    assert r.json() == {"detail": "Incorrect username or password"}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer not-a-jwt"},
    {"Authorization": "Bearer a.b.c"},
    {"Authorization": "Basic YWRtaW46YWRtaW4tc2VjcmV0LXB3"},
])
def test_missing_or_malformed_token_is_401(server, headers):
    c = server.anonymous()
    for method, path in [("GET", "/v1/trades"), ("GET", "/v1/positions"), ("GET", "/v1/users"),
                         ("POST", "/v1/trades")]:
        r = c.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert_unauthenticated(r)


def test_tampered_tokens_are_401(server, users, participant):
    member = users.member(participant)
    header, payload, sig = member.token.split(".")
    claims = json.loads(b64url_decode(payload))
    # Promote to admin but keep the signature.
    forged = dict(claims, role="admin")
    for key in list(claims):
        if claims[key] == "member":
            forged[key] = "admin"
    t1 = f"{header}.{b64url(json.dumps(forged).encode())}.{sig}"
    # Flip the signature.
    t2 = f"{header}.{payload}.{sig[:-2]}{'AA' if sig[-2:] != 'AA' else 'BB'}"
    # alg "none", no signature.
    none = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    t3 = f"{none}.{b64url(json.dumps(forged).encode())}."
    for token in (t1, t2, t3):
        assert_unauthenticated(Client(server, token).get("/v1/users"))
        assert_unauthenticated(Client(server, token).get("/v1/trades"))
    # The genuine token still works.
    assert member.get("/v1/trades").status_code == 200


def test_healthz_needs_no_token(server):
    r = server.anonymous().get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_expired_token_is_401(server_factory):
    s = server_factory("ttl", env={"TRADEAGG_TOKEN_TTL_SECONDS": "1"})
    r = s.anonymous().post("/v1/auth/token", json={"username": "admin",
                                                   "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["expires_in"] == 1
    token = r.json()["access_token"]
    time.sleep(2.5)
    assert_unauthenticated(Client(s, token).get("/v1/users"))
    assert_unauthenticated(Client(s, token).get("/v1/trades"))
    s.stop()


# -- users (admin API) ------------------------------------------------------------------------


def test_user_crud(server, admin, participant):
    name = unique("crud.user_", 64) + "@x-y"
    r = admin.post("/v1/users", json={"username": name, "password": DEFAULT_PASSWORD,
                                      "role": "member", "participant": participant})
    assert r.status_code == 201, r.text
    assert r.json()["username"] == name
    assert r.json()["role"] == "member"
    assert r.json()["participant"] == participant

    r = admin.get("/v1/users")
    assert r.status_code == 200, r.text
    listed = {u["username"]: u for u in r.json()["users"]}
    assert listed[name]["role"] == "member"
    assert listed[name]["participant"] == participant
    assert listed[name]["created_at"]
    assert listed["admin"]["role"] == "admin"
    for u in r.json()["users"]:
        assert not any("hash" in k or "password" in k for k in u), u
    assert "$argon2" not in r.text and DEFAULT_PASSWORD not in r.text

    # The new user can log in and is a member of its participant.
    member = server.client(name, DEFAULT_PASSWORD)
    assert member.get("/v1/trades").status_code == 200
    assert_problem(member.get("/v1/users"), 403, "forbidden")

    # Taken name.
    r = admin.post("/v1/users", json={"username": name, "password": "another-pw-9",
                                      "role": "risk"})
    assert_problem(r, 409, "conflict")

    r = admin.delete(f"/v1/users/{name}")
    assert r.status_code == 204, r.text
    assert name not in {u["username"] for u in admin.get("/v1/users").json()["users"]}
    assert_problem(admin.delete(f"/v1/users/{name}"), 404, "not-found")
    # Its token stopped working at once, and it cannot log in again.
    assert_unauthenticated(member.get("/v1/trades"))
    r = server.anonymous().post("/v1/auth/token", json={"username": name,
                                                        "password": DEFAULT_PASSWORD})
    assert r.status_code == 401
    # Re-created under the same name for another participant: the old token stays dead (its
    # claims name the old participant).
    other = unique("P")
    r = admin.post("/v1/users", json={"username": name, "password": DEFAULT_PASSWORD,
                                      "role": "member", "participant": other})
    assert r.status_code == 201, r.text
    assert_unauthenticated(member.get("/v1/trades", params={"participant": participant}))
    assert_unauthenticated(member.get("/v1/trades"))
    fresh = server.client(name, DEFAULT_PASSWORD)
    assert_problem(fresh.get("/v1/trades", params={"participant": participant}), 403, "forbidden")
    assert fresh.get("/v1/trades", params={"participant": other}).status_code == 200


def test_create_risk_and_admin_users(server, admin, users, participant, trades):
    risk = users.create("risk")
    other = users.create("admin")
    # Risk reads anyone's trades; a second admin manages users.
    t = trades.new(participant)
    assert admin.submit(t).status_code == 201
    assert risk.get_trade(participant, t["trade_id"]).status_code == 200
    assert other.get("/v1/users").status_code == 200
    assert_problem(risk.get("/v1/users"), 403, "forbidden")
    listed = {u["username"]: u for u in admin.get("/v1/users").json()["users"]}
    assert listed[risk.username]["role"] == "risk"
    assert listed[risk.username]["participant"] in ("", None)


@pytest.mark.parametrize("body,field", [
    ({"password": DEFAULT_PASSWORD, "role": "member", "participant": "PX"}, "username"),
    ({"username": "", "password": DEFAULT_PASSWORD, "role": "member", "participant": "PX"},
     "username"),
    ({"username": "has space", "password": DEFAULT_PASSWORD, "role": "member",
      "participant": "PX"}, "username"),
    ({"username": "slash/name", "password": DEFAULT_PASSWORD, "role": "risk"}, "username"),
    ({"username": "u" * 65, "password": DEFAULT_PASSWORD, "role": "risk"}, "username"),
    ({"username": "NAME", "password": "short7!", "role": "risk"}, "password"),
    ({"username": "NAME", "password": "p" * 129, "role": "risk"}, "password"),
    ({"username": "NAME", "role": "risk"}, "password"),
    ({"username": "NAME", "password": DEFAULT_PASSWORD, "role": "superuser"}, "role"),
    ({"username": "NAME", "password": DEFAULT_PASSWORD, "role": "member"}, "participant"),
    ({"username": "NAME", "password": DEFAULT_PASSWORD, "role": "member", "participant": ""},
     "participant"),
    ({"username": "NAME", "password": DEFAULT_PASSWORD, "role": "member",
      "participant": "bad participant!"}, "participant"),
    ({"username": "NAME", "password": DEFAULT_PASSWORD, "role": "risk", "participant": "PX"},
     "participant"),
    ({"username": "NAME", "password": DEFAULT_PASSWORD, "role": "admin", "participant": "PX"},
     "participant"),
])
def test_create_user_validation(admin, body, field):
    body = dict(body)
    if body.get("username") == "NAME":
        body["username"] = unique("val", 64)
    r = admin.post("/v1/users", json=body)
    problem = assert_problem(r, 422, "validation")
    fields = {e.get("field") for e in problem.get("errors", [])}
    assert field in fields or field in problem.get("detail", ""), problem
    if body.get("username"):
        names = {u["username"] for u in admin.get("/v1/users").json()["users"]}
        assert body["username"] not in names


def test_username_and_password_limits_accepted(admin):
    name = unique("L", 64).ljust(64, "x")
    assert len(name) == 64
    r = admin.post("/v1/users", json={"username": name, "password": "p" * 128, "role": "risk"})
    assert r.status_code == 201, r.text
    r = admin.post("/v1/users", json={"username": unique("S"), "password": "p" * 8,
                                      "role": "risk", "participant": ""})
    assert r.status_code == 201, r.text


def test_user_admin_routes_forbidden_for_non_admins(users, participant):
    member = users.member(participant)
    risk = users.risk()
    for c in (member, risk):
        assert_problem(c.get("/v1/users"), 403, "forbidden")
        r = c.post("/v1/users", json={"username": unique("x"), "password": DEFAULT_PASSWORD,
                                      "role": "admin"})
        assert_problem(r, 403, "forbidden")
        assert_problem(c.delete("/v1/users/admin"), 403, "forbidden")


def test_fault_route_absent_without_fault_injection(admin):
    r = admin.post("/v1/admin/faults", json={"point": "store.append.before_commit", "count": 1})
    assert_problem(r, 404, "not-found")


# -- /signup ----------------------------------------------------------------------------------


def test_signup_disabled_by_default(server):
    r = server.anonymous().post("/signup", json={"username": unique("s"),
                                                 "password": DEFAULT_PASSWORD})
    assert r.status_code == 403, r.text


def test_signup_creates_member(signup_server, trades):
    anon = signup_server.anonymous()
    name = unique("su")
    r = anon.post("/signup", json={"username": name, "password": DEFAULT_PASSWORD})
    assert r.status_code == 201, r.text
    assert r.json()["username"] == name and r.json()["role"] == "member"
    assert r.json()["participant"] == name

    name2, part2 = unique("su"), unique("SP")
    r = anon.post("/signup", json={"username": name2, "password": DEFAULT_PASSWORD,
                                   "participant": part2})
    assert r.status_code == 201, r.text
    assert r.json()["username"] == name2 and r.json()["role"] == "member"
    assert r.json()["participant"] == part2

    member = signup_server.client(name2, DEFAULT_PASSWORD)
    own = trades.new(None)
    r = member.submit(own)
    assert r.status_code == 201, r.text
    assert r.json()["trades"][0]["participant"] == part2
    assert_problem(member.submit(trades.new(name)), 403, "forbidden")
    assert_problem(member.get("/v1/users"), 403, "forbidden")

    # Taken name; bad password.
    r = anon.post("/signup", json={"username": name, "password": DEFAULT_PASSWORD})
    assert r.status_code == 409, r.text
    r = anon.post("/signup", json={"username": unique("su"), "password": "short"})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("role", ["admin", "risk"])
def test_signup_cannot_create_privileged_users(signup_server, role):
    name = unique("su")
    r = signup_server.anonymous().post("/signup", json={"username": name,
                                                        "password": DEFAULT_PASSWORD,
                                                        "role": role})
    if r.status_code == 201:
        assert r.json()["role"] == "member"
        c = signup_server.client(name, DEFAULT_PASSWORD)
        assert c.get("/v1/users").status_code == 403
    else:
        assert r.status_code in (400, 403, 422), r.text
    admin = signup_server.client("admin")
    roles = {u["username"]: u["role"] for u in admin.get("/v1/users").json()["users"]}
    assert roles.get(name) in (None, "member")


# -- CLI --------------------------------------------------------------------------------------


def cli(*args) -> subprocess.CompletedProcess:
    data_dir = args[args.index("--data-dir") + 1]
    return subprocess.run([str(binary_path()), "users", *map(str, args)], capture_output=True,
                          text=True, timeout=60, env=store_backend.cli_env(data_dir))


def test_cli_users_add_list_delete(tmp_path, tradeagg_bin, trades):
    data = tmp_path / "data"
    data.mkdir()
    name, part = unique("cli"), unique("CP")
    r = cli("add", "--data-dir", data, "--username", name, "--password", DEFAULT_PASSWORD,
            "--role", "member", "--participant", part)
    assert r.returncode == 0, r.stderr + r.stdout
    r = cli("add", "--data-dir", data, "--username", "riskcli", "--password", DEFAULT_PASSWORD,
            "--role", "risk")
    assert r.returncode == 0, r.stderr + r.stdout
    r = cli("add", "--data-dir", data, "--username", name, "--password", DEFAULT_PASSWORD,
            "--role", "member", "--participant", part)
    assert r.returncode != 0, "adding a taken name must fail"
    r = cli("add", "--data-dir", data, "--username", "badpw", "--password", "short",
            "--role", "risk")
    assert r.returncode != 0, "a 5-character password must be refused"
    r = cli("list", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    assert name in r.stdout and "riskcli" in r.stdout and "badpw" not in r.stdout
    assert "$argon2" not in r.stdout

    s = Server(data, tmp_path / "server.log", name="cli")
    try:
        s.start()
        member = s.client(name, DEFAULT_PASSWORD)
        t = trades.new(None)
        r = member.submit(t)
        assert r.status_code == 201, r.text
        assert r.json()["trades"][0]["participant"] == part
        risk = s.client("riskcli", DEFAULT_PASSWORD)
        assert risk.get_trade(part, t["trade_id"]).status_code == 200
        assert_problem(risk.submit(trades.new(part)), 403, "forbidden")
        assert s.stop() == 0
    finally:
        s.kill()

    r = cli("delete", "--data-dir", data, name)
    assert r.returncode == 0, r.stderr + r.stdout
    r = cli("list", "--data-dir", data)
    assert r.returncode == 0 and name not in r.stdout and "riskcli" in r.stdout
    assert cli("delete", "--data-dir", data, name).returncode != 0, "deleting an absent user"
    s.start()
    try:
        r = s.anonymous().post("/v1/auth/token", json={"username": name,
                                                       "password": DEFAULT_PASSWORD})
        assert r.status_code == 401
    finally:
        s.stop()


def test_signup_never_claims_a_participant_that_has_users(signup_server):
    """A stranger signing up as an existing participant would read its trades."""
    anon = signup_server.anonymous()
    owner = UserFactory(signup_server, signup_server.client("admin")).member(unique("SOWN"))
    r = anon.post("/signup", json={"username": unique("mallory"), "password": DEFAULT_PASSWORD,
                                   "participant": owner.participant})
    assert_problem(r, 409, "conflict")
    # Nor one that signup itself created: the second claimant of a fresh participant is refused.
    fresh = unique("SFRESH")
    first = anon.post("/signup", json={"username": unique("s1"), "password": DEFAULT_PASSWORD, "participant": fresh})
    assert first.status_code == 201, first.text
    second = anon.post("/signup", json={"username": unique("s2"), "password": DEFAULT_PASSWORD, "participant": fresh})
    assert_problem(second, 409, "conflict")


def test_user_names_are_unique_whatever_their_case(signup_server):
    anon = signup_server.anonymous()
    admin = signup_server.client("admin")
    assert_problem(anon.post("/signup", json={"username": "Admin", "password": DEFAULT_PASSWORD,
                                              "participant": unique("SADM")}), 409, "conflict")
    name = unique("CaseUser")
    r = admin.post("/v1/users", json={"username": name, "password": DEFAULT_PASSWORD, "role": "risk"})
    assert r.status_code == 201, r.text
    r = admin.post("/v1/users", json={"username": name.lower(), "password": DEFAULT_PASSWORD, "role": "risk"})
    assert_problem(r, 409, "conflict")


# -- login throttling and bounded password hashing ----------------------------------------------

THROTTLE_WINDOW = 600  # long enough that no window ends during a test: nothing here is timed


def token_login(server: Server, username: str, password: str):
    return server.anonymous().post("/v1/auth/token",
                                   json={"username": username, "password": password})


def form_login_raw(server: Server, username: str, password: str):
    return server.anonymous().post("/token", data={"username": username, "password": password})


def assert_throttled(r) -> dict:
    body = assert_problem(r, 429, "too-many-requests")
    retry = r.headers.get("Retry-After", "")
    assert retry.isdigit() and 1 <= int(retry) <= THROTTLE_WINDOW, r.headers
    assert "access_token" not in r.text
    return body


def without_numbers(body: dict) -> dict:
    return {k: re.sub(r"\d+", "N", v) if isinstance(v, str) else v for k, v in body.items()}


def wait_for_log(server: Server, pattern: str, timeout: float = 15.0) -> str:
    """The server's log once a line matches `pattern` (its output is pumped by a thread)."""
    deadline = time.monotonic() + timeout
    while True:
        text = server.log_path.read_text(errors="replace")
        if re.search(pattern, text) or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


@pytest.fixture(scope="module")
def throttled_server(server_factory, tmp_path_factory):
    """Per user: 3 failures; per address: plenty (configured in the TOML file)."""
    config = tmp_path_factory.mktemp("throttle-config") / "tradeagg.toml"
    config.write_text(f"""
[auth]
max_failed_logins_per_user = 3
max_failed_logins_per_address = 1000
failed_login_window_seconds = {THROTTLE_WINDOW}
""")
    return server_factory("throttle", config=config)


def test_failed_logins_lock_out_the_user_but_not_others(throttled_server):
    s = throttled_server
    admin = s.client("admin")
    victim = UserFactory(s, admin).create("risk")
    for i in range(3):
        assert token_login(s, victim.username, f"wrong-password-{i}").status_code == 401
    assert_throttled(token_login(s, victim.username, "wrong-password-3"))
    # Locked out with the right password too, on both routes, whatever the name's case.
    assert_throttled(token_login(s, victim.username, DEFAULT_PASSWORD))
    assert_throttled(token_login(s, victim.username.upper(), DEFAULT_PASSWORD))
    assert_throttled(form_login_raw(s, victim.username, DEFAULT_PASSWORD))
    # The victim's token from before still works; other users log in as ever.
    assert victim.get("/v1/trades").status_code == 200
    assert s.client("admin").get("/v1/users").status_code == 200
    other = UserFactory(s, admin).create("risk")
    assert other.get("/v1/trades").status_code == 200


def test_throttling_does_not_reveal_whether_the_user_exists(throttled_server):
    s = throttled_server
    known = UserFactory(s, s.client("admin")).create("risk").username
    unknown = unique("nobody", 64)
    answers = {}
    for name in (known, unknown):
        for i in range(3):
            assert token_login(s, name, f"wrong-password-{i}").status_code == 401
        r = token_login(s, name, DEFAULT_PASSWORD)
        answers[name] = (r.status_code, r.headers.get("Content-Type"),
                         without_numbers(assert_throttled(r)))
    assert answers[known] == answers[unknown]


def test_form_login_throttled_is_a_problem_with_retry_after(throttled_server):
    s = throttled_server
    name = UserFactory(s, s.client("admin")).create("risk").username
    for i in range(3):
        r = form_login_raw(s, name, f"wrong-password-{i}")
        assert r.status_code == 401
        assert r.json() == {"detail": "Incorrect username or password"}
    assert_throttled(form_login_raw(s, name, DEFAULT_PASSWORD))
    assert_throttled(token_login(s, name, DEFAULT_PASSWORD))


def test_a_successful_login_clears_the_users_failures(throttled_server):
    s = throttled_server
    name = UserFactory(s, s.client("admin")).create("risk").username
    for round_ in range(3):
        for i in range(2):
            assert token_login(s, name, f"wrong-{round_}-{i}").status_code == 401
        assert token_login(s, name, DEFAULT_PASSWORD).status_code == 200


def test_failed_logins_are_logged_without_the_password(throttled_server):
    s = throttled_server
    name = UserFactory(s, s.client("admin")).create("risk").username
    secret = "Sup3r-Secret-Guess-" + unique("pw")
    assert token_login(s, name, secret).status_code == 401
    ghost = unique("ghost", 64)
    assert token_login(s, ghost, secret).status_code == 401
    # A crafted name can neither forge a log line nor flood it.
    forged = "evil\nFORGED-LINE " + "x" * 500
    assert token_login(s, forged, secret).status_code == 401
    for i in range(3):
        token_login(s, ghost, f"{secret}-{i}")
    assert_throttled(token_login(s, ghost, secret))
    text = wait_for_log(s, rf"{ghost}.*throttled")
    lines = [line for line in text.splitlines() if "failed login" in line]
    assert any(name in line and "127.0.0.1" in line and "wrong password" in line for line in lines), lines
    assert any(ghost in line and "127.0.0.1" in line and "unknown user" in line for line in lines), lines
    assert any(ghost in line and "throttled" in line for line in lines), lines
    assert any("evil?FORGED-LINE" in line for line in lines), lines
    assert not any(line.startswith("FORGED-LINE") for line in text.splitlines())
    assert all(len(line) < 400 for line in lines), max(lines, key=len)
    assert secret not in text


def test_an_address_is_throttled_across_usernames(server_factory):
    s = server_factory("throttle-address", env={
        "TRADEAGG_MAX_FAILED_LOGINS_PER_USER": "100",
        "TRADEAGG_MAX_FAILED_LOGINS_PER_ADDRESS": "5",
        "TRADEAGG_FAILED_LOGIN_WINDOW_SECONDS": str(THROTTLE_WINDOW),
    })
    admin = s.client("admin")  # before the spray: its token stays good
    for i in range(5):
        assert token_login(s, unique(f"spray{i}_", 64), "wrong-password").status_code == 401
    # Every name from this address now, known or not, right password or not.
    assert_throttled(token_login(s, unique("fresh", 64), "wrong-password"))
    assert_throttled(token_login(s, "admin", ADMIN_PASSWORD))
    assert_throttled(form_login_raw(s, "admin", ADMIN_PASSWORD))
    assert admin.get("/v1/users").status_code == 200
    s.stop()


def vm_hwm_kib(server: Server) -> int:
    status = open(f"/proc/{server.proc.pid}/status").read()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


def test_parallel_logins_are_bounded(server_factory):
    s = server_factory("hashing-gate", env={"TRADEAGG_MAX_CONCURRENT_HASHES": "2",
                                            "TRADEAGG_MAX_WAITING_HASHES": "6"})
    member = UserFactory(s, s.client("admin")).create("risk")
    before = vm_hwm_kib(s)

    def attempt(_):
        r = requests.post(s.url("/v1/auth/token"),
                          json={"username": member.username, "password": DEFAULT_PASSWORD},
                          timeout=HTTP_TIMEOUT)
        return r.status_code, r.headers.get("Retry-After"), r.text

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(attempt, range(32)))
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {200, 503}, results
    assert statuses.count(200) >= 1, statuses
    for status, retry, text in results:
        if status == 503:
            assert retry is not None and retry.isdigit() and int(retry) >= 1, (retry, text)
            assert json.loads(text)["type"].endswith("/unavailable"), text
    # At most 2 argon2id computations (64 MiB each) at once: the peak is far below 32 x 64 MiB.
    after = vm_hwm_kib(s)
    assert after - before < 8 * 64 * 1024, (before, after)
    assert after < 16 * 64 * 1024, after
    # And the server still works.
    assert s.client(member.username, DEFAULT_PASSWORD).get("/v1/trades").status_code == 200
    s.stop()


def test_parallel_wrong_guesses_are_counted_before_each_hash(server_factory):
    """64 guesses at once get the limit's worth of password checks, give or take the ones
    checked side by side (2 at once: at most limit + 1)."""
    s = server_factory("parallel-guesses", env={
        "TRADEAGG_MAX_FAILED_LOGINS_PER_USER": "4",
        "TRADEAGG_MAX_FAILED_LOGINS_PER_ADDRESS": "1000",
        "TRADEAGG_FAILED_LOGIN_WINDOW_SECONDS": str(THROTTLE_WINDOW),
        "TRADEAGG_MAX_WAITING_HASHES": "100",
    })
    name = UserFactory(s, s.client("admin")).create("risk").username

    def attempt(i):
        return requests.post(s.url("/v1/auth/token"),
                             json={"username": name, "password": f"wrong-guess-{i}"},
                             timeout=HTTP_TIMEOUT).status_code

    with ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(attempt, range(64)))
    assert set(statuses) <= {401, 429}, statuses
    assert 4 <= statuses.count(401) <= 5, statuses
    s.stop()
