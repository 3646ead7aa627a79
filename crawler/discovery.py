"""Article links from feeds (RSS 2.0, Atom) and sitemaps (urlset, sitemap index)."""
from __future__ import annotations

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


def _root(body: bytes):
    try:
        return etree.fromstring(body.lstrip(), parser=_PARSER)
    except etree.XMLSyntaxError:
        return None


def feed_links(body: bytes) -> list[str]:
    """Item links of an RSS or Atom feed, in feed order; [] when the body is not a feed."""
    root = _root(body)
    if root is None:
        return []
    links = [el.text.strip() for el in root.iter("link") if el.text and el.getparent().tag == "item"]
    for entry in root.iter(f"{ATOM}entry"):
        alternates = [l for l in entry.iter(f"{ATOM}link") if l.get("rel", "alternate") == "alternate"]
        if alternates and alternates[0].get("href"):
            links.append(alternates[0].get("href").strip())
    return links


def sitemap_entries(body: bytes) -> tuple[str, list[tuple[str, str | None]]]:
    """("urlset" | "sitemapindex" | "", [(loc, lastmod), …]) of a sitemap document."""
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
        fields = {etree.QName(el).localname: (el.text or "").strip() for el in child if isinstance(el.tag, str)}
        if fields.get("loc"):
            entries.append((fields["loc"], fields.get("lastmod") or None))
    return kind, entries
