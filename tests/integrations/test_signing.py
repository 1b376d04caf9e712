"""Signatures per Standard Webhooks, checked with the independent ``standardwebhooks`` package."""

import base64
import re
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from integrations.ids import new_message_id, new_webhook_secret
from integrations.services import payload_body, signed_headers

PAYLOAD = {"type": "attempt.submitted", "timestamp": "2025-01-01T00:00:00Z", "data": {"attempt_id": 7, "note": "é"}}


def test_secret_is_whsec_and_base64_of_32_random_bytes():
    secret = new_webhook_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert secret != new_webhook_secret()


def test_message_ids_are_msg_ulids_that_sort_by_time():
    first = new_message_id()
    time.sleep(0.002)
    second = new_message_id()
    assert re.fullmatch(r"msg_[0-9A-HJKMNP-TV-Z]{26}", first)
    assert first < second


def test_signed_request_verifies_with_the_standardwebhooks_library():
    secret = new_webhook_secret()
    body = payload_body(PAYLOAD)
    headers = signed_headers(secret=secret, msg_id="msg_1", body=body)
    assert headers["Content-Type"] == "application/json"
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == PAYLOAD


def test_body_is_stable_ascii_json():
    assert payload_body(PAYLOAD) == payload_body(dict(reversed(list(PAYLOAD.items()))))
    assert payload_body(PAYLOAD).isascii()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers, secret: (body.replace(b"7", b"8"), headers, secret),
        lambda body, headers, secret: (body, {**headers, "webhook-id": "msg_2"}, secret),
        lambda body, headers, secret: (body, headers, new_webhook_secret()),
        lambda body, headers, secret: (body, {**headers, "webhook-timestamp": str(int(time.time()) + 1)}, secret),
    ],
    ids=["body", "id", "secret", "timestamp"],
)
def test_any_change_breaks_the_signature(tamper):
    secret = new_webhook_secret()
    body = payload_body(PAYLOAD)
    body, headers, secret = tamper(body, signed_headers(secret=secret, msg_id="msg_1", body=body), secret)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_a_replayed_request_older_than_five_minutes_is_refused():
    secret = new_webhook_secret()
    body = payload_body(PAYLOAD)
    headers = signed_headers(secret=secret, msg_id="msg_1", body=body, timestamp=int(time.time()) - 6 * 60)
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, headers)
