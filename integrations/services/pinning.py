"""A requests adapter whose connections go to addresses checked beforehand, never to a new lookup of the name.

Checking where a name points and then letting the HTTP client look it up again would let a name
that answers differently the second time (DNS rebinding) reach an address the check would have
refused. ``PinnedAdapter`` is given the checked addresses and connects only to them, trying each in
turn as ``socket.create_connection`` tries a name's addresses. Everything else still uses the name:
the Host header, TLS SNI and certificate verification, because the connection's host stays the name
and only the socket is opened elsewhere. The adapter serves one call; it is not mounted globally.
"""

import socket
from collections.abc import Sequence
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, LocationValueError, NewConnectionError
from urllib3.util.connection import create_connection


class PinnedAdapter(HTTPAdapter):
    """Connects to ``host`` only at ``addresses`` (its checked resolution), for http and https."""

    def __init__(self, *, host: str, addresses: Sequence[str]) -> None:
        self.pinned_host = host
        self.addresses = tuple(addresses)
        super().__init__()  # builds the pool manager, which needs the two attributes above

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        self.poolmanager = _PinnedPoolManager(
            host=self.pinned_host,
            addresses=self.addresses,
            num_pools=connections,
            maxsize=maxsize,
            block=block,
            **pool_kwargs,
        )


class _PinnedPoolManager(PoolManager):
    def __init__(self, *, host: str, addresses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pinned_host = host
        self.addresses = addresses
        self.pool_classes_by_scheme = {"http": _PinnedHTTPConnectionPool, "https": _PinnedHTTPSConnectionPool}

    def _new_pool(
        self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None
    ) -> HTTPConnectionPool:
        # urllib3 documents _new_pool as the method to override; the extra keyword reaches each connection.
        if host != self.pinned_host:
            raise LocationValueError(f"{host} is not the host whose addresses were checked ({self.pinned_host})")
        context = dict(self.connection_pool_kw if request_context is None else request_context)
        return super()._new_pool(scheme, host, port, {**context, "addresses": self.addresses})


class _PinnedHTTPConnection(HTTPConnection):
    def __init__(self, *args: Any, addresses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = addresses

    def _new_conn(self) -> socket.socket:
        return _connect(self, self.addresses)


class _PinnedHTTPSConnection(HTTPSConnection):
    def __init__(self, *args: Any, addresses: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = addresses

    def _new_conn(self) -> socket.socket:
        return _connect(self, self.addresses)


class _PinnedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


def _connect(connection: HTTPConnection, addresses: Sequence[str]) -> socket.socket:
    """``HTTPConnection._new_conn`` with the checked addresses in place of a lookup of ``connection.host``."""
    failure: OSError = OSError("no checked address to connect to")
    for address in addresses:
        try:
            return create_connection(
                (address, connection.port),
                connection.timeout,
                source_address=connection.source_address,
                socket_options=connection.socket_options,
            )
        except OSError as exc:  # as create_connection does: try the next address, report the last failure
            failure = exc
    if isinstance(failure, TimeoutError):
        message = f"Connection to {connection.host} timed out. (connect timeout={connection.timeout})"
        raise ConnectTimeoutError(connection, message) from failure
    raise NewConnectionError(connection, f"Failed to establish a new connection: {failure}") from failure
