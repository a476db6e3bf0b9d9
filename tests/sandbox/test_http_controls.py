"""The emulator's controls under /_sandbox/, over real HTTP."""

from __future__ import annotations

import requests


def test_health_is_open(server):
    body = requests.get(server.url + "/_sandbox/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["instance"] == server.instance


def test_outbox_shows_the_token_newest_first(signed_in):
    first = signed_in.post("/v3/mfa/challenge", {}).json()["challengeId"]
    second = signed_in.post("/v3/mfa/challenge", {}).json()["challengeId"]
    outbox = signed_in.get("/_sandbox/outbox").json()
    assert [m["challengeId"] for m in outbox] == [second, first]
    assert all(len(m["token"]) == 6 and m["token"].isdigit() for m in outbox)
