"""Where outgoing calls (webhooks, Greenhouse callbacks) may go: by default, only public addresses.

Organisation admins choose webhook URLs and an API key's holder chooses Greenhouse callback URLs,
so without this check they could make the worker call services on its own network (a cloud
metadata endpoint, the database's admin port). The host is resolved once and every address must be
global; the call then connects only to those addresses (``pinning``), so a name that answers
differently a moment later (DNS rebinding) still reaches only an address that was checked.
``WEBHOOK_ALLOW_PRIVATE_DESTINATIONS`` turns the check off for deployments whose receivers are on
a private network (and for the tests' loopback receivers).

An IPv6 address that carries an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible
``::a.b.c.d``, NAT64 ``64:ff9b::/96`` and ``64:ff9b:1::/48``, 6to4 ``2002::/16``) is judged by the
IPv4 address it carries: a gateway or a dual-stack socket delivers it there.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

_NAT64_NETWORKS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


class DestinationRefused(Exception):
    """The host resolves to an address that outgoing calls may not reach; the message says which."""


@dataclass(frozen=True)
class Destination:
    host: str
    addresses: tuple[str, ...]  # every address the host resolved to, in the resolver's order; all public


def destination_resolve(url: str) -> Destination:
    """Resolve ``url``'s host once and check every address it has.

    Raises DestinationRefused if any address is not public, OSError if the name does not resolve,
    ValueError if the URL has no host or a malformed port.
    """
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"no host in {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])  # a scoped IPv6 address ends in %<interface>
        if not address_is_public(ip):
            raise DestinationRefused(
                f"refused: {parts.hostname} resolves to {ip}, which is not a public address "
                "(set WEBHOOK_ALLOW_PRIVATE_DESTINATIONS to allow private receivers)"
            )
    return Destination(host=parts.hostname, addresses=addresses)


def address_is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether ``ip`` is global; an IPv6 address carrying an IPv4 one must be global as both."""
    embedded = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    return ip.is_global and (embedded is None or embedded.is_global)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or None."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    compatible = ip in _IPV4_COMPATIBLE and int(ip) > 1  # :: and ::1 are themselves, not IPv4 addresses
    if compatible or any(ip in network for network in _NAT64_NETWORKS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
