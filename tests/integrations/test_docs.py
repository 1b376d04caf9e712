"""The verification snippets in docs/webhooks.md accept our requests and refuse tampered ones."""

import re
import time
from pathlib import Path

import pytest

from integrations.ids import new_webhook_secret
from integrations.services import payload_body, signed_headers

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)


@pytest.fixture
def request_parts() -> tuple[str, bytes, dict[str, str]]:
    secret = new_webhook_secret()
    body = payload_body({"type": "attempt.graded", "timestamp": "2025-05-01T10:31:07Z", "data": {"attempt_id": 1}})
    return secret, body, signed_headers(secret=secret, msg_id="msg_01TEST", body=body)


def test_the_standard_library_snippet_verifies(request_parts):
    secret, body, headers = request_parts
    namespace: dict = {}
    exec(next(code for code in snippets() if "def verify(" in code), namespace)  # noqa: S102 - our own docs
    verify = namespace["verify"]
    assert verify(secret, body, headers)
    assert not verify(secret, body + b" ", headers)
    assert not verify(new_webhook_secret(), body, headers)
    stale = signed_headers(secret=secret, msg_id="msg_01TEST", body=body, timestamp=int(time.time()) - 301)
    assert not verify(secret, body, stale)


def test_the_standardwebhooks_snippet_verifies_and_deduplicates(request_parts):
    secret, body, headers = request_parts
    seen: set[str] = set()
    processed: list[dict] = []
    code = next(code for code in snippets() if "from standardwebhooks import Webhook" in code)
    namespace: dict = {
        "already_processed": seen.__contains__,
        "mark_processed": seen.add,
        "enqueue_for_processing": processed.append,
    }
    exec(code.replace('"whsec_..."', repr(secret)), namespace)  # noqa: S102 - our own docs
    handle = namespace["handle"]
    assert handle(body, headers) == 200
    assert handle(body, headers) == 200  # a repeat is acknowledged, not processed again
    assert handle(body.replace(b"1", b"2"), headers) == 400
    assert len(processed) == 1 and processed[0]["data"] == {"attempt_id": 1}
