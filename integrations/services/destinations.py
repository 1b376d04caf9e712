"""Where outgoing calls (webhooks, Greenhouse callbacks) may go: by default, only public addresses.

Organisation admins choose webhook URLs and an API key's holder chooses Greenhouse callback URLs,
so without this check they could make the worker call services on its own network (a cloud
metadata endpoint, the database's admin port). The host is resolved and every address must be
global; ``WEBHOOK_ALLOW_PRIVATE_DESTINATIONS`` turns the check off for deployments whose receivers
are on a private network (and for the tests' loopback receivers). The check runs just before the
call; a name that resolves differently a moment later (DNS rebinding) is not caught by it.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


def destination_refusal(url: str) -> str | None:
    """Why ``url`` may not be called, or None when it may (or when that is for the call itself to find out)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS:
        return None
    parts = urlsplit(url)
    if not parts.hostname:
        return None  # the HTTP client reports the malformed URL itself
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):
        return None  # unresolvable now: a connection error, retried like any other
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return (
                f"refused: {parts.hostname} resolves to {address}, which is not a public address "
                "(set WEBHOOK_ALLOW_PRIVATE_DESTINATIONS to allow private receivers)"
            )
    return None
