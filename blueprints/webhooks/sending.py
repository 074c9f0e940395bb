"""One webhook request: the signature, the guard against requests into private networks (SSRF),
and the POST itself.

The host is resolved once and every address it resolves to is checked; the connection then
goes to the checked address (the name is kept for the Host header, SNI and the certificate
check), so a name that resolves to a public address when checked and to 127.0.0.1 when
connecting (DNS rebinding) reaches nothing it should not. Redirects are not followed: a 3xx
is a failed delivery. The standard library's http.client does all of this without a new
dependency and never follows a redirect by itself.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

USER_AGENT = "Certpath-Webhooks/1"


class Refused(Exception):
    """The URL may not be called (scheme, address): a failed attempt, said in plain words."""


def signature(secret: str, timestamp: int, body: str) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``"{timestamp}.{body}"`` keyed by the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return "v1=" + mac.hexdigest()


def headers_for(event: str, key: str, secret: str, timestamp: int, body: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Certpath-Event": event,
        "Certpath-Delivery": key,
        "Certpath-Timestamp": str(timestamp),
        "Certpath-Signature": signature(secret, timestamp, body),
    }


def scheme_allowed(scheme: str) -> bool:
    allowed = {"https", "http"} if current_app.config["WEBHOOK_ALLOW_HTTP"] else {"https"}
    return scheme in allowed


def address_allowed(address: str) -> bool:
    """A public unicast address, or anything when WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on."""
    if current_app.config["WEBHOOK_ALLOW_PRIVATE_ADDRESSES"]:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be an endpoint, in the reader's language; None when it can (the
    addresses are checked again at each delivery: a name may move)."""
    parts = urlsplit(url)
    if not scheme_allowed(parts.scheme):
        return _("The address must start with https://.")
    if not parts.hostname:
        return _("Give the full address, with the host name.")
    if parts.username or parts.password:
        return _("The address may not carry a user name or password.")
    try:
        parts.port  # noqa: B018 - read for its check: a port that is no number raises
    except ValueError:
        return _("The port of this address is not valid.")
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None  # a name: resolved when sending
    if not address_allowed(parts.hostname):
        return _("This address is in a private network: Certpath does not call it.")
    return None


def _resolved(host: str, port: int) -> str:
    """The address to connect to, after checking every address ``host`` resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise Refused(f"{host} does not resolve")
    refused = [address for address in addresses if not address_allowed(address)]
    if refused:
        raise Refused(f"{host} resolves to a private address ({refused[0]}): not called")
    return addresses[0]


class _PinnedConnection(http.client.HTTPConnection):
    """A connection to an address checked beforehand, TLS verified against the host name."""

    def __init__(
        self, host: str, port: int, address: str, timeout: float, tls: ssl.SSLContext | None
    ):
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        if self._tls is not None:
            sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


@dataclass(frozen=True)
class Answer:
    status: int


def post(url: str, headers: dict[str, str], body: str) -> Answer:
    """POST ``body`` to ``url``; the receiver's status. Raises Refused, OSError or
    http.client.HTTPException when there is none."""
    parts = urlsplit(url)
    if not scheme_allowed(parts.scheme) or not parts.hostname:
        raise Refused(f"{parts.scheme}:// addresses are not called")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    address = _resolved(parts.hostname, port)
    tls = ssl.create_default_context() if secure else None
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    connection = _PinnedConnection(parts.hostname, port, address, timeout, tls)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # what the receiver says is not kept; read a little of it
        return Answer(response.status)
    finally:
        connection.close()
