"""Which addresses a webhook may call, and the one address a delivery connects to.

A host is resolved once; every address it resolves to must be public (unless private addresses
are allowed, as in development and the tests), and the first is the one connected to, so that
a second lookup (DNS rebinding) cannot swap it afterwards (see ``delivery.webhooks.client``).
"""

import ipaddress
import socket

from django.conf import settings
from django.utils.translation import gettext as _


class AddressRefused(Exception):
    """A URL the worker will not call: its host is, or resolves to, a private address."""


# IPv6 ranges whose addresses stand for an IPv4 address: the verdict is that address's.
_IPV6_TRANSLATED = [
    ipaddress.IPv6Network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.IPv6Network("::ffff:0:0:0/96"),  # IPv4-translated (SIIT)
    ipaddress.IPv6Network("64:ff9b::/96"),  # NAT64, well-known prefix
]
# IPv6 ranges refused whatever they embed: deprecated, local-use or tunnelling to a host no
# public receiver lives on. (Python 3.11 counts several of these as global.)
_IPV6_REFUSED = [
    ipaddress.IPv6Network("::/96"),  # IPv4-compatible, deprecated; also :: and ::1
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64, local use
    ipaddress.IPv6Network("2001::/32"),  # Teredo
    ipaddress.IPv6Network("fec0::/10"),  # site-local, deprecated
    ipaddress.IPv6Network("fc00::/7"),  # unique local
]
# Ranges whose last 32 bits are the IPv4 address (RFC 4291, RFC 6145, RFC 6052 /96).
_LOW32_CARRIERS = [
    ipaddress.IPv6Network("::/96"),
    ipaddress.IPv6Network("::ffff:0:0:0/96"),
    ipaddress.IPv6Network("64:ff9b::/96"),
]
_ISATAP_IDS = {0x00005EFE, 0x02005EFE}


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 address carries, by each known way of carrying one."""
    value = int(ip)
    low = ipaddress.IPv4Address(value & 0xFFFFFFFF)
    found = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:  # 2002:aabb:ccdd::/48
        found.append(ip.sixtofour)
    if ip.teredo is not None:  # the server, and the client (de-obfuscated)
        found.extend(ip.teredo)
    if any(ip in net for net in _LOW32_CARRIERS):
        found.append(low)  # ::a.b.c.d, ::ffff:0:a.b.c.d, 64:ff9b::a.b.c.d
    if (value >> 32) & 0xFFFFFFFF in _ISATAP_IDS:  # any prefix, interface id ::5efe:a.b.c.d
        found.append(low)
    return found


def _public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def webhook_address_public(address: str) -> bool:
    """Whether a webhook may call ``address``: a public unicast address, which, if it is an
    IPv6 address carrying an IPv4 one (mapped, compatible, 6to4, NAT64, Teredo, ISATAP), carries
    only public ones."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if not all(_public(v4) for v4 in embedded):
            return False
        if any(ip in net for net in _IPV6_TRANSLATED):
            return bool(embedded)
        if any(ip in net for net in _IPV6_REFUSED):
            return False
    return _public(ip)


def webhook_host_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a URL's host spells, if it spells one: dotted, IPv6, or any form a resolver
    reads as IPv4 (``2130706433``, ``0x7f.1``, ``017700000001``); ``localhost`` is 127.0.0.1."""
    if host == "localhost":
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, ValueError):
        return None


def webhook_address_allowed(address: str) -> bool:
    """Whether a webhook may call ``address`` here: any, where private addresses are allowed."""
    return bool(settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES) or webhook_address_public(address)


def webhook_resolve(host: str, port: int) -> str:
    """The address to connect to. Every address of the host must be public (unless private ones
    are allowed): the one checked is the one connected to, so DNS cannot swap it afterwards."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as unknown:
        raise OSError(f"Cannot resolve {host}: {unknown}") from unknown
    addresses = [str(info[4][0]) for info in infos]
    refused = [a for a in addresses if not webhook_address_allowed(a)]
    if refused:
        raise AddressRefused(
            _("Not sent: %(host)s is a private, loopback or reserved address (%(address)s).")
            % {"host": host, "address": refused[0]}
        )
    return addresses[0]
