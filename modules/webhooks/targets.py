"""Where a webhook may be sent: a real URL whose host resolves only to public addresses.

An endpoint URL is parsed (``urllib.parse``, never a substring test: ``http://localhost@10.0.0.5/``
is a request to 10.0.0.5), its host resolved, and every address it resolves to must be global:
no loopback, private, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
multicast, reserved or unspecified address, IPv4 or IPv6 (IPv4-mapped and embedded forms
included). The check runs when the endpoint is created and again before every delivery, and
the delivery connects to the address that was checked (``Target.pinned_url``, with the Host
header and TLS name of the original host), so a DNS answer that changes in between
(rebinding) cannot steer a POST inward. Redirects are never followed.

An operator who does want internal receivers says so: ``PILOTHOUSE_WEBHOOK_ALLOW_PRIVATE=1``
allows any address, ``PILOTHOUSE_WEBHOOK_ALLOW_HOSTS=hooks.internal,10.0.0.5`` allows those
hosts only. Plain ``http://`` is accepted only for such allowed targets.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

from skills import SkillFailed

ALLOW_PRIVATE_ENV = "PILOTHOUSE_WEBHOOK_ALLOW_PRIVATE"
ALLOW_HOSTS_ENV = "PILOTHOUSE_WEBHOOK_ALLOW_HOSTS"
HOW_TO_ALLOW = (f"to deliver to internal receivers, the operator sets {ALLOW_PRIVATE_ENV}=1 or lists the host in "
                f"{ALLOW_HOSTS_ENV}")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def allowances(settings: Mapping[str, Any]) -> dict[str, str]:
    """The operator's allowances from the webhooks module's settings (its PILOTHOUSE_WEBHOOK_* variables)."""
    return {ALLOW_PRIVATE_ENV: "1" if settings.get("allow_private") else "",
            ALLOW_HOSTS_ENV: str(settings.get("allow_hosts") or "")}
Resolver = Callable[[str, int], Awaitable[list[str]]]

# Not global, but not covered by one of ipaddress's named properties either.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


class TargetRefused(SkillFailed):
    """The URL is malformed or points at an address webhooks may not reach."""


@dataclass(frozen=True, slots=True)
class Target:
    url: str          # as registered
    host: str         # the host name (or literal) in it, lowercased
    address: str      # the checked address the delivery connects to
    pinned_url: str   # ``url`` with the host replaced by ``address``
    host_header: str  # what the receiver sees as Host

    @property
    def extensions(self) -> dict[str, str]:
        """For httpx: present (and verify) the original name in TLS, not the pinned address."""
        return {"sni_hostname": self.host} if self.url.startswith("https://") else {}


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def parse(url: str) -> SplitResult:
    """The URL's parts, or TargetRefused saying what is wrong with it."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a port that is not a number in 0..65535
    except ValueError as exc:
        raise TargetRefused(f"webhook URL {url!r} is malformed ({exc}); use https://host/path") from exc
    if parts.scheme not in ("https", "http"):
        raise TargetRefused(f"webhook URL {url!r} must start with https://")
    if not parts.hostname:
        raise TargetRefused(f"webhook URL {url!r} has no host; use https://host/path")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("webhook URL must not carry credentials (user@ or user:password@): they would be "
                            "stored and logged; authenticate with the signature header instead")
    if port == 0:
        raise TargetRefused(f"webhook URL {url!r} has port 0")
    return parts


def _allowed(host: str, env: Mapping[str, str]) -> bool:
    if env.get(ALLOW_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes"):
        return True
    listed = {h.strip().lower().rstrip(".") for h in env.get(ALLOW_HOSTS_ENV, "").split(",") if h.strip()}
    return host.rstrip(".") in listed


def why_not_public(address: IpAddress) -> str | None:
    """What kind of non-public address this is (None: a global unicast address)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None:
            reason = why_not_public(embedded)
            return f"{reason} (embedded in {address})" if reason else None
    for name, test in (("loopback", address.is_loopback), ("link-local (cloud metadata lives here)",
                       address.is_link_local), ("multicast", address.is_multicast),
                       ("unspecified", address.is_unspecified), ("carrier-grade NAT", address in _CGNAT),
                       ("private", address.is_private), ("reserved", address.is_reserved)):
        if test:
            return name
    return None if address.is_global else "not globally routable"


async def check(url: str, *, resolve: Resolver | None = None, env: Mapping[str, str] | None = None) -> Target:
    """The target ``url`` may be posted to, pinned to a checked address; or TargetRefused.
    ``resolve``: host and port to addresses (None: the system's resolver, looked up at call time);
    ``env``: the operator's allowances by variable name (``allowances(ctx.settings)``; None: none)."""
    env = {} if env is None else env
    resolve = resolve or system_resolver
    parts = parse(url)
    host = (parts.hostname or "").lower()
    allowed = _allowed(host, env)
    if parts.scheme == "http" and not allowed:
        raise TargetRefused(f"plain http:// is refused for webhooks; use https:// ({HOW_TO_ALLOW}, which also "
                            "permits http)")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in await resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as exc:
            raise TargetRefused(f"webhook host {host!r} does not resolve ({exc}); check the URL") from exc
    if not addresses:
        raise TargetRefused(f"webhook host {host!r} does not resolve; check the URL")
    if not allowed:
        for address in addresses:
            reason = why_not_public(address)
            if reason:
                where = host if str(address) == host else f"{host} resolves to {address}, which"
                raise TargetRefused(f"webhook target refused: {where} is a {reason} address; "
                                    f"webhooks go to public receivers only ({HOW_TO_ALLOW})")
    chosen = addresses[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    return Target(url=url, host=host, address=str(chosen), pinned_url=parts._replace(netloc=netloc).geturl(),
                  host_header=parts.netloc)
