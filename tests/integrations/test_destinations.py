"""Outgoing calls go only to public addresses unless private receivers are allowed."""

import pytest

from integrations.greenhouse import services as greenhouse
from integrations.ids import new_webhook_secret
from integrations.services import http
from integrations.services.destinations import Destination, DestinationRefused, destination_resolve
from integrations.services.signing import signed_headers


@pytest.fixture
def public_only(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_DESTINATIONS = False


@pytest.mark.usefixtures("public_only")
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "https://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9000/",
        "http://192.168.0.10/",
        "http://0.0.0.0/",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(DestinationRefused, match="not a public address"):
        destination_resolve(url)


@pytest.mark.usefixtures("public_only")
def test_a_refused_webhook_is_never_sent_and_fails_permanently(receiver):
    result = http.post(url=receiver.url, body=b"{}", headers={})
    assert (result.status_code, result.permanent) == (None, True)
    assert "WEBHOOK_ALLOW_PRIVATE_DESTINATIONS" in result.error
    assert receiver.received == []


@pytest.mark.usefixtures("public_only")
def test_a_greenhouse_callback_to_a_private_address_is_refused():
    result = greenhouse.patch("http://127.0.0.1:9/cb")
    assert result.permanent and "not a public address" in result.error


@pytest.mark.usefixtures("public_only")
def test_public_addresses_pass():
    assert destination_resolve("https://93.184.216.34/hook").addresses == ("93.184.216.34",)
    assert destination_resolve("https://[2606:4700::1111]/hook").addresses == ("2606:4700::1111",)


@pytest.mark.usefixtures("public_only")
def test_the_checked_addresses_are_the_ones_handed_to_the_call():
    ipv6 = "2606:4700::1111"
    assert destination_resolve(f"https://[{ipv6}]:8443/hook") == Destination(ipv6, (ipv6,))
    assert destination_resolve("http://93.184.216.34/") == Destination("93.184.216.34", ("93.184.216.34",))


def test_allowed_private_receivers_get_their_deliveries(receiver):
    receiver.secret = new_webhook_secret()
    headers = signed_headers(secret=receiver.secret, msg_id="msg_destination", body=b"{}")
    assert http.post(url=receiver.url, body=b"{}", headers=headers).status_code == 200
    assert [r.msg_id for r in receiver.received] == ["msg_destination"]


@pytest.mark.usefixtures("public_only")
@pytest.mark.parametrize(
    "address",
    [
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",  # IPv4-compatible (deprecated, still routed by some stacks)
        "::10.0.0.1",
        "64:ff9b::7f00:1",  # NAT64 well-known prefix: 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64: 169.254.169.254
        "64:ff9b:1::a00:1",  # NAT64 local-use prefix: 10.0.0.1
        "2002:7f00:1::1",  # 6to4: 127.0.0.1
        "2002:c0a8:1::",  # 6to4: 192.168.0.1
    ],
)
def test_ipv6_forms_carrying_a_private_ipv4_address_are_refused(address):
    with pytest.raises(DestinationRefused, match="not a public address"):
        destination_resolve(f"http://[{address}]/hook")


@pytest.mark.usefixtures("public_only")
@pytest.mark.parametrize(
    "address", ["::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1", "2606:4700::1111"]
)
def test_ipv6_forms_carrying_a_public_ipv4_address_pass(address):
    assert destination_resolve(f"http://[{address}]/hook").addresses == (address,)
