"""Webhook targets: internal addresses refused at creation and at delivery, redirects never followed,
the receiver's error body never kept. Every request here goes to 127.0.0.1; hosts other than
localhost are resolved by an injected resolver, never by a DNS query."""

from __future__ import annotations

import pytest

from modules.webhooks import targets
from modules.webhooks.targets import ALLOW_HOSTS_ENV, ALLOW_PRIVATE_ENV, TargetRefused
from server.testing import McpHarness, http_receiver

pytestmark = pytest.mark.anyio

REFUSED = [
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://10.0.0.5/",
    "https://192.168.1.20/hook",
    "https://100.64.0.1/",  # carrier-grade NAT
    "https://127.0.0.2/",
    "https://localhost/hook",  # resolves to loopback (from /etc/hosts)
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
    "https://[fe80::1]/",
    "https://[fc00::5]/",
    "https://224.0.0.1/",
    "https://0.0.0.0/",
    "https://240.0.0.1/",  # reserved
    # What a substring test let through:
    "http://localhost@127.0.0.2:18081/",
    "http://127.0.0.2:18081/q?next=://localhost",
    "http://127.0.0.2:18081/#://127.0.0.1",
    "http://localhost.attacker.example/",
    "https://user:pw@example.com/",
    "https://example.com:99999/",
    "ftp://example.com/",
    "http://example.com/h",  # plain http, to a public host
]


@pytest.mark.parametrize("url", REFUSED)
async def test_internal_and_malformed_targets_are_refused(mcp: McpHarness, url: str) -> None:
    message = await mcp.error("webhooks_create_endpoint", url=url, events=["*"])
    assert any(word in message for word in ("refused", "malformed", "credentials", "pattern", "expected form"))
    assert (await mcp.call("webhooks_list_endpoints"))["total"] == 0


async def public(host: str, port: int) -> list[str]:
    return {"hooks.example.com": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
            "rebind.example.com": ["93.184.215.14", "10.0.0.5"]}[host]


async def test_a_host_is_judged_by_every_address_it_resolves_to() -> None:
    target = await targets.check("https://hooks.example.com:8443/in?x=1", resolve=public, env={})
    assert target.pinned_url == "https://93.184.215.14:8443/in?x=1"
    assert (target.host_header, target.extensions) == ("hooks.example.com:8443", {"sni_hostname": "hooks.example.com"})
    with pytest.raises(TargetRefused, match=r"rebind.example.com resolves to 10.0.0.5, which is a private address"):
        await targets.check("https://rebind.example.com/", resolve=public, env={})


async def test_the_operator_may_allow_private_targets_or_named_hosts() -> None:
    only = {ALLOW_HOSTS_ENV: "rebind.example.com"}
    allowed = await targets.check("http://rebind.example.com/", resolve=public, env=only)
    assert allowed.address == "93.184.215.14"
    with pytest.raises(TargetRefused, match="plain http"):
        await targets.check("http://hooks.example.com/", resolve=public, env=only)
    assert (await targets.check("http://10.0.0.5/", env={ALLOW_PRIVATE_ENV: "1"})).address == "10.0.0.5"


async def test_the_target_is_checked_again_at_delivery(mcp: McpHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    async with http_receiver() as receiver:
        monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
        await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["*"])
        monkeypatch.delenv(ALLOW_PRIVATE_ENV)  # the allowance is gone (or the name now points inward)
        await mcp.call("crm_create_lead", email="x@acme.io")
        # Refused before a byte went out: the delivery's failure and its endpoint's, never the run's.
        report = await mcp.call("webhooks_dispatch_events")
        assert (report["failed"], report["endpoints_failing"]) == (1, [1])
        assert receiver.requests == []
    [failed] = (await mcp.call("webhooks_list_deliveries", status="failed"))["items"]
    assert failed["error_kind"] == "validation" and "refused" in failed["last_error"]


async def test_redirects_are_not_followed_and_error_bodies_not_kept(
    mcp: McpHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    async with http_receiver() as receiver:
        receiver.reply = '{"echo": "internal secret 4242"}'
        await mcp.call("webhooks_create_endpoint", url=f"{receiver.url}/h", events=["*"])
        await mcp.call("crm_create_lead", email="x@acme.io")
        receiver.answers = [302]
        assert (await mcp.call("webhooks_dispatch_events"))["failed"] == 1
        assert [r.path for r in receiver.requests] == ["/h"]  # /redirected was never asked for
        [redirected] = (await mcp.call("webhooks_list_deliveries", status="failed"))["items"]
        assert redirected["status_code"] == 302 and "redirects are not followed" in redirected["last_error"]
        await mcp.call("webhooks_redeliver", delivery_id=redirected["id"])
        receiver.answers = [404]  # redelivering lets the endpoint be tried at once, its circuit open or not
        assert (await mcp.call("webhooks_dispatch_events"))["failed"] == 1
    [failed] = (await mcp.call("webhooks_list_deliveries", status="failed"))["items"]
    assert (failed["status_code"], failed["last_error"]) == (404, "HTTP 404")
    assert "4242" not in str(await mcp.call("webhooks_list_deliveries"))
