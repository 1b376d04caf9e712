"""Outgoing calls connect to the addresses that were checked, never to a second answer for the name (DNS rebinding).

Nothing here leaves loopback: 127.0.0.2 and 127.0.0.3 (and ::1) stand in for public addresses by
counting as public in these tests, and the made-up names resolve only through a fake resolver.
"""

import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from integrations.services import http
from integrations.services.pinning import PinnedAdapter
from tests.integrations.tls import Authority, authority_make, server_context

NAME = "hooks.rebind.test"
VETTED = "127.0.0.2"  # the name's first answer, the one that is checked
REBOUND = "127.0.0.1"  # what the name answers afterwards: a service on the worker's own machine
NOTHING_LISTENS = "127.0.0.3"
COUNTS_AS_PUBLIC = {VETTED, NOTHING_LISTENS, "::1"}


@pytest.fixture(autouse=True)
def public_only(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False
    for cls in (ipaddress.IPv4Address, ipaddress.IPv6Address):
        real = cls.is_global.fget
        monkeypatch.setattr(cls, "is_global", property(lambda a, real=real: str(a) in COUNTS_AS_PUBLIC or real(a)))


class FakeDns:
    """Answers for made-up names, in sequence (the last answer repeats); IP literals only for anything else."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> Any:
        if host not in self.answers:  # a numeric host never queries DNS; any other name fails
            return _real_getaddrinfo(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)
        self.lookups.append(host)
        sequence = self.answers[host]
        addresses = sequence.pop(0) if len(sequence) > 1 else sequence[0]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (a, int(port))) for a in addresses]


_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch) -> FakeDns:
    fake = FakeDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


class Listener:
    """A loopback HTTP(S) server that records each request (method, path, Host header) and each TLS SNI name."""

    def __init__(self, address: str, port: int = 0, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[tuple[str, str, str]] = []
        self.server_names: list[str | None] = []
        server_class = _Server6 if ":" in address else _Server
        self.server = server_class((address, port), _Handler)
        self.server.listener = self  # type: ignore[attr-defined]
        if tls:
            tls.sni_callback = lambda sslobj, name, context: self.server_names.append(name)  # type: ignore[assignment]
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a refused TLS handshake is what some tests expect


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.listener.requests.append((self.command, self.path, self.headers["Host"]))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_PATCH = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def listeners() -> Iterator[tuple[Listener, Listener]]:
    """A listener at the checked address and one at the rebound address, on the same port (one URL reaches either)."""
    rebound = Listener(REBOUND)
    vetted = Listener(VETTED, rebound.port)
    yield vetted, rebound
    vetted.stop()
    rebound.stop()


def test_a_name_that_answers_differently_the_second_time_is_called_only_at_the_checked_address(dns, listeners):
    vetted, rebound = listeners
    dns.answers[NAME] = [[VETTED], [REBOUND]]
    result = http.post(url=f"http://{NAME}:{vetted.port}/hooks", body=b"{}", headers={})
    assert (result.status_code, result.error) == (200, "")
    assert vetted.requests == [("POST", "/hooks", f"{NAME}:{vetted.port}")]
    assert rebound.requests == []
    assert dns.lookups == [NAME]


@pytest.mark.parametrize(
    ("spelling", "looked_up"),
    [
        ("HOOKS.Rebind.TEST", NAME),
        (f"{NAME}.", f"{NAME}."),
        ("hööks.rebind.test", "xn--hks-snaa.rebind.test"),  # the IDNA form requests sends is the one checked
    ],
)
def test_the_host_checked_is_the_host_connected_to_however_it_is_spelled(dns, listeners, spelling, looked_up):
    vetted, rebound = listeners
    dns.answers[looked_up] = [[VETTED], [REBOUND]]
    result = http.post(url=f"http://{spelling}:{vetted.port}/hooks", body=b"{}", headers={})
    assert result.status_code == 200
    host_header = f"{looked_up.rstrip('.')}:{vetted.port}"  # urllib3 drops a final dot from Host, as before
    assert (vetted.requests, rebound.requests) == ([("POST", "/hooks", host_header)], [])
    assert dns.lookups == [looked_up]


def test_a_greenhouse_callback_is_pinned_too(dns, listeners):
    vetted, rebound = listeners
    dns.answers[NAME] = [[VETTED], [REBOUND]]
    result = http.send(method="PATCH", url=f"http://{NAME}:{vetted.port}/cb", headers={})
    assert result.status_code == 200
    assert (vetted.requests, rebound.requests) == ([("PATCH", "/cb", f"{NAME}:{vetted.port}")], [])


def test_every_address_of_the_name_is_checked_and_none_is_called_if_one_is_private(dns, listeners):
    vetted, rebound = listeners
    dns.answers[NAME] = [[VETTED, REBOUND]]
    result = http.post(url=f"http://{NAME}:{vetted.port}/hooks", body=b"{}", headers={})
    assert (result.status_code, result.permanent) == (None, True)
    assert result.error.startswith(f"refused: {NAME} resolves to {REBOUND}, which is not a public address")
    assert (vetted.requests, rebound.requests) == ([], [])


def test_the_checked_addresses_are_tried_in_order(dns, listeners):
    vetted, rebound = listeners
    dns.answers[NAME] = [[NOTHING_LISTENS, VETTED], [REBOUND]]
    result = http.post(url=f"http://{NAME}:{vetted.port}/hooks", body=b"{}", headers={})
    assert result.status_code == 200
    assert (len(vetted.requests), rebound.requests) == (1, [])


def test_a_name_that_does_not_resolve_is_a_connection_failure_to_retry(dns):
    dns.answers["nowhere.rebind.test"] = [[]]
    result = http.post(url="http://nowhere.rebind.test/hooks", body=b"{}", headers={})
    assert (result.status_code, result.permanent) == (None, False)
    assert result.error.startswith("connection failed: ConnectionError: cannot resolve nowhere.rebind.test")


def test_when_no_checked_address_answers_the_call_fails_to_be_retried(dns, listeners):
    vetted, rebound = listeners
    dns.answers[NAME] = [[NOTHING_LISTENS], [REBOUND]]
    result = http.post(url=f"http://{NAME}:{vetted.port}/hooks", body=b"{}", headers={})
    assert (result.status_code, result.permanent) == (None, False)
    assert result.error.startswith("connection failed: ")
    assert (vetted.requests, rebound.requests) == ([], [])


def test_an_ipv6_literal_with_a_port_is_called_at_that_address(dns):
    listener = Listener("::1")
    try:
        result = http.post(url=f"http://[::1]:{listener.port}/hooks", body=b"{}", headers={})
    finally:
        listener.stop()
    assert result.status_code == 200
    assert listener.requests == [("POST", "/hooks", f"[::1]:{listener.port}")]


# HTTPS: the socket goes to the checked address, but SNI and certificate verification use the name.

TLS_NAME = "hooks.pinned.test"


@pytest.fixture(scope="module")
def authority(tmp_path_factory) -> Authority:
    return authority_make(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def pinned_session() -> Iterator[requests.Session]:
    """What ``send`` uses once the name has been checked: a session whose connections go to VETTED only."""
    with requests.Session() as session:
        session.trust_env = False
        session.mount("https://", PinnedAdapter(host=TLS_NAME, addresses=[VETTED]))
        yield session


def test_https_to_the_checked_address_sends_the_name_and_verifies_the_certificate_against_it(
    dns, authority, tmp_path, pinned_session
):
    listener = Listener(VETTED, tls=server_context(authority, tmp_path, TLS_NAME))
    try:
        response = pinned_session.get(f"https://{TLS_NAME}:{listener.port}/hooks", verify=str(authority[2]), timeout=5)
    finally:
        listener.stop()
    assert response.status_code == 200
    assert listener.server_names == [TLS_NAME]
    assert listener.requests == [("GET", "/hooks", f"{TLS_NAME}:{listener.port}")]
    assert dns.lookups == []  # the adapter never looked the name up: it only connects to what it was given


def test_https_to_the_checked_address_refuses_a_certificate_for_another_name(dns, authority, tmp_path, pinned_session):
    listener = Listener(VETTED, tls=server_context(authority, tmp_path, "other.pinned.test"))
    try:
        with pytest.raises(requests.exceptions.SSLError, match="Hostname mismatch"):
            pinned_session.get(f"https://{TLS_NAME}:{listener.port}/hooks", verify=str(authority[2]), timeout=5)
    finally:
        listener.stop()
    assert listener.server_names == [TLS_NAME]
    assert listener.requests == []


def test_an_https_call_presents_the_name_at_the_checked_address_and_verifies_by_default(dns, authority, tmp_path):
    # send() trusts only the public CA bundle, which does not hold this test authority: the handshake
    # reaches the checked address with the name as SNI, and the unknown issuer is refused.
    listener = Listener(VETTED, tls=server_context(authority, tmp_path, TLS_NAME))
    rebound = Listener(REBOUND, listener.port)
    dns.answers[TLS_NAME] = [[VETTED], [REBOUND]]
    try:
        result = http.post(url=f"https://{TLS_NAME}:{listener.port}/hooks", body=b"{}", headers={})
    finally:
        listener.stop()
        rebound.stop()
    assert (result.status_code, result.permanent) == (None, False)
    assert result.error.startswith("connection failed: SSLError") and "certificate verify failed" in result.error
    assert listener.server_names == [TLS_NAME]
    assert (listener.requests, rebound.requests) == ([], [])


def test_a_pinned_adapter_refuses_a_host_other_than_the_one_checked(dns, listeners):
    vetted, rebound = listeners
    with requests.Session() as session:
        session.trust_env = False
        session.mount("http://", PinnedAdapter(host=NAME, addresses=[VETTED]))
        with pytest.raises(requests.exceptions.InvalidURL, match="not the host whose addresses were checked"):
            session.get(f"http://other.rebind.test:{vetted.port}/hooks", timeout=5)
    assert (vetted.requests, rebound.requests, dns.lookups) == ([], [], [])
