"""Crawl: canonical URLs: one spelling per article, so a page is fetched and stored once.

`canonical_url` is the form stored in `articles.url` (tracking parameters gone, w3lib's
canonical order). `url_key` goes further for "have we seen this page?": scheme, `www.`,
mobile and AMP hosts, AMP paths and trailing slashes are variants of one page.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import courlan
from w3lib.url import canonicalize_url

VARIANT_HOST = re.compile(r"^(www\d?|m|mobile|amp)\.", re.IGNORECASE)
AMP_PATH = re.compile(r"(^/amp(?=/)|/amp/?$|\.amp(?=\.html?$)|/amp(?=\.html?$))", re.IGNORECASE)
AMP_QUERY = {"amp", "outputtype", "amp_js_v", "usqp"}


def canonical_url(url: str) -> str:
    """The stored form: tracking parameters (utm_*, fbclid, …) removed, query sorted, no fragment."""
    url = url.strip()
    try:
        url = courlan.normalize_url(url)
    except ValueError:
        pass
    return canonicalize_url(url, keep_fragments=False)


def url_key(url: str) -> str:
    """The identity of a page across its spellings (http/https, www/m/amp hosts, AMP paths, `/`)."""
    parts = urlsplit(canonical_url(url))
    host = VARIANT_HOST.sub("", (parts.hostname or "").lower())
    if parts.port:
        host = f"{host}:{parts.port}"
    path = AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k.lower() not in AMP_QUERY])
    return host + path + ("?" + query if query else "")


def same_site(url: str, domains: list[str]) -> bool:
    """The URL's host is one of the domains or a subdomain of one (www./m. included)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in (d.lower().lstrip(".") for d in domains))
