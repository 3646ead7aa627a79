"""Crawl: article links from feeds (RSS 2.0, Atom), sitemaps (urlset, sitemap index, news
sitemaps) and listing pages, with the dates they carry. Plain functions over bytes."""
from __future__ import annotations

import re
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from .extract import is_listing_url
from .urls import same_site

ATOM = "{http://www.w3.org/2005/Atom}"
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
NOT_ARTICLE_FILE = re.compile(r"\.(jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|zip|rar|mp[34]|avi|css|js|xml|rss)$", re.I)


GZIP_MAGIC = b"\x1f\x8b"
# `&` that starts no entity or character reference: feeds print query strings raw
# (`?utm_source=rss&utm_medium=rss`), which XML forbids and a recovering parser mangles
BARE_AMPERSAND = re.compile(rb"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|[A-Za-z_][A-Za-z0-9._-]*;)")
CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.S)


def _root(body: bytes):
    # CDATA sections keep their `&` as written; only the text around them is escaped
    body = b"".join(part if part.startswith(b"<![CDATA[") else BARE_AMPERSAND.sub(b"&amp;", part)
                    for part in CDATA.split(body.lstrip()))
    try:
        return etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None


def gunzipped(body: bytes, max_size: int) -> bytes:
    """A gzip file's contents (sitemap.xml.gz served as application/x-gzip or
    application/octet-stream, which Scrapy leaves compressed); other bodies as they are.
    Known by its magic bytes, not by name or type, which servers get wrong both ways.
    b"" when it is corrupt or unpacks to more than max_size (a decompression bomb)."""
    if not body.startswith(GZIP_MAGIC):
        return body
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = unpacker.decompress(body, max_size + 1 if max_size else 0)   # 0: no limit, as in Scrapy
    except zlib.error:
        return b""
    return b"" if max_size and len(data) > max_size else data


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 or RFC 822 date as an aware datetime (UTC when no zone); None if unreadable."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def feed_entries(body: bytes) -> list[tuple[str, datetime | None]]:
    """(link, published) of each item of an RSS or Atom feed, in feed order; [] when not a feed."""
    root = _root(body)
    if root is None:
        return []
    entries = []
    for item in root.iter("item"):
        link = item.findtext("link") or (item.findtext("guid") if item.find("guid") is not None
                                         and item.find("guid").get("isPermaLink", "true") == "true" else None)
        if link and link.strip():
            entries.append((link.strip(), parse_date(item.findtext("pubDate"))))
    for entry in root.iter(f"{ATOM}entry"):
        alternates = [l for l in entry.iter(f"{ATOM}link") if l.get("rel", "alternate") == "alternate"]
        if alternates and alternates[0].get("href"):
            when = entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated")
            entries.append((alternates[0].get("href").strip(), parse_date(when)))
    return entries


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS or Atom feed, in feed order; [] when the body is not a feed."""
    return [link for link, _ in feed_entries(body)]


def sitemap_entries(body: bytes) -> tuple[str, list[tuple[str, str | None]]]:
    """("urlset" | "sitemapindex" | "", [(loc, lastmod), …]) of a sitemap document.

    For a news sitemap entry without <lastmod>, <news:publication_date> stands in."""
    root = _root(body)
    if root is None:
        return "", []
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        return "", []
    entries = []
    for child in root:
        if not isinstance(child.tag, str):
            continue
        fields = {etree.QName(el).localname: (el.text or "").strip()
                  for el in child.iter() if isinstance(el.tag, str) and el is not child}
        if fields.get("loc"):
            entries.append((fields["loc"], fields.get("lastmod") or fields.get("publication_date") or None))
    return kind, entries


def is_stale(lastmod: str | None, since: datetime | None, last_success: datetime | None,
             margin: timedelta = timedelta(days=1)) -> bool:
    """A sitemap entry older than the window, or not changed since the last complete crawl.

    Date-only lastmods read as midnight, hence the margin: a page changed later on the day
    of the last crawl must not be skipped. No lastmod: never stale."""
    when = parse_date(lastmod)
    if when is None:
        return False
    if since and when < since - margin:
        return True
    return bool(last_success and when < last_success - margin)


def listing_links(body: bytes, base_url: str, domains: list[str], allow: list[str] = (),
                  deny: list[str] = ()) -> list[str]:
    """Links on a listing page that may be articles: same site, not listings, not files,
    matching an `allow` rule (when there are any) and no `deny` rule."""
    try:
        tree = lxml_html.fromstring(body)
    except (ValueError, etree.ParserError):
        return []
    allow_re = [re.compile(p) for p in allow]
    deny_re = [re.compile(p) for p in deny]
    links, seen = [], set()
    for href in tree.xpath("//a/@href"):
        href = href.strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if url in seen or urlsplit(url).scheme not in ("http", "https"):
            continue
        seen.add(url)
        if domains and not same_site(url, domains):
            continue
        if is_listing_url(url) or NOT_ARTICLE_FILE.search(urlsplit(url).path):
            continue
        if allow_re and not any(r.search(url) for r in allow_re):
            continue
        if any(r.search(url) for r in deny_re):
            continue
        links.append(url)
    return links
