import gzip

from crawler.discovery import feed_links, gunzipped, sitemap_entries

RSS = b"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>
<link>http://site/</link><item><title>A</title><link>http://site/a.html</link></item>
<item><title>B</title><link> http://site/b.html </link></item></channel></rss>"""
ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<link href="http://site/"/><entry><title>A</title><link rel="alternate" href="http://site/a"/></entry>
<entry><title>B</title><link href="http://site/b"/></entry></feed>"""
INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://site/s1.xml</loc><lastmod>2024-10-01</lastmod></sitemap></sitemapindex>"""
URLSET = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://site/a.html</loc><lastmod>2024-09-12</lastmod></url><url><loc>http://site/b.html</loc></url></urlset>"""


def test_rss_item_links_are_found_but_not_the_channel_link():
    assert feed_links(RSS) == ["http://site/a.html", "http://site/b.html"]


def test_atom_entry_links_are_found():
    assert feed_links(ATOM) == ["http://site/a", "http://site/b"]


def test_sitemap_index_and_urlset_are_told_apart_with_lastmod():
    assert sitemap_entries(INDEX) == ("sitemapindex", [("http://site/s1.xml", "2024-10-01")])
    assert sitemap_entries(URLSET) == ("urlset", [("http://site/a.html", "2024-09-12"), ("http://site/b.html", None)])


def test_garbage_is_neither_feed_nor_sitemap():
    assert feed_links(b"<html><body>not a feed</body></html>") == []
    assert sitemap_entries(b"\x00\x01 nonsense") == ("", [])


def test_a_gzip_file_is_unpacked_by_its_magic_bytes_within_the_size_limit():
    packed = gzip.compress(URLSET)
    assert gunzipped(packed, max_size=10_000) == URLSET
    assert gunzipped(URLSET, max_size=10_000) == URLSET              # not gzip: as it is
    assert gunzipped(gzip.compress(b"\0" * 1_000_000), max_size=10_000) == b""   # a decompression bomb
