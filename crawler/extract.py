"""Extract: from a fetched page's bytes to an article (text, title, date, author), or a reason it is not one.

Plain functions: bytes in, `Article` out. Used by the item pipeline and by tests.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
from lxml import html as lxml_html
from w3lib.encoding import html_body_declared_encoding

MIN_TEXT_CHARS = 200          # shorter "articles" are teasers, captions or error pages
MIN_HEADLINE_LINKS = 6       # other pages' headlines quoted in the "main text": a listing
MIN_TEASER_SHARE = 0.5        # or half its paragraphs are snippets beside links: a listing
SUBSTANTIVE_LINE = 80         # shorter lines are datelines, breadcrumbs, captions


# Paths that news sites use for pages listing other pages. A source can add its own
# patterns later; these cover the common CMSs (WordPress, Bitrix, DLE, Drupal).
LISTING_URL = re.compile(
    r"^/?$|/(tags?|category|categories|rubric|rubrics|section|author|authors|search|archive|page)(/|$)"
    r"|[?&](page|p|tag|category)=", re.IGNORECASE)


def is_listing_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(LISTING_URL.search(parts.path + ("?" + parts.query if parts.query else "")))


class NotAnArticle(Exception):
    """The page is a listing, a tag page, empty or unreadable; str(exc) says which."""


@dataclass
class Article:
    title: str
    text: str
    author: str | None
    published: str | None     # ISO date, or datetime with zone when the page gives one; never in the future
    encoding: str
    encoding_guessed: bool    # no charset in the header or the page: we detected it


def decode_html(body: bytes, header_encoding: str | None) -> tuple[str, str, bool]:
    """Decode page bytes: the HTTP charset, else the page's <meta>, else detection.

    Returns (text, encoding, guessed). windows-1251 pages served without a charset
    header are common in Kazakhstan; decoding them as UTF-8 or cp1252 gives mojibake.
    """
    for encoding in (header_encoding, html_body_declared_encoding(body)):
        if encoding:
            try:
                return body.decode(encoding), encoding.lower(), False
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return body.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(body).best()
    if best is None:
        raise NotAnArticle("undecodable bytes")
    return str(best), best.encoding, True


def _norm(text: str) -> str:
    return " ".join(text.split())


def _listing_signals(tree, text: str) -> tuple[int, float]:
    """(headline links quoted in the text, share of text lines that are teasers).

    A listing's "main text" is either the headlines of other pages or the snippets
    under them; a teaser snippet sits in a small block together with a long link."""
    anchors = {_norm(a.text_content()) for a in tree.iter("a")}
    quoted = sum(1 for t in anchors if len(t.split()) >= 4 and t in text)
    blocks: dict[str, object] = {}
    for el in tree.iter("p", "div", "li", "span"):
        blocks.setdefault(_norm(el.text_content()), el)
    lines = [_norm(line) for line in text.split("\n") if len(line.strip()) >= SUBSTANTIVE_LINE]
    teasers = 0
    for line in lines:
        el = blocks.get(line)
        parent = el.getparent() if el is not None else None
        if parent is not None and len(parent) <= 4 and any(
                len(a.text_content().split()) >= 4 for a in parent.iter("a")):
            teasers += 1
    return quoted, teasers / max(len(lines), 1)


def _json_ld_objects(tree):
    """Every JSON-LD object on the page (@graph lists and arrays unrolled); broken blocks skipped."""
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content(), strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                yield node
                if isinstance(node.get("@graph"), list):
                    stack.extend(reversed(node["@graph"]))


def _timed(value) -> str | None:
    """An ISO datetime with its time of day (and zone, when given); None for a bare date or junk."""
    if not isinstance(value, str) or "T" not in value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _page_published(tree) -> str | None:
    """The publication time the page states in full: JSON-LD `datePublished`, else the
    `article:published_time` meta. trafilatura keeps the date only, and a day is too coarse
    for "when was it known" (a Kazakhstan day starts at 19:00 UTC the evening before)."""
    for node in _json_ld_objects(tree):
        when = _timed(node.get("datePublished"))
        if when:
            return when
    return next(filter(None, map(_timed, tree.xpath("//meta[@property='article:published_time']/@content"))), None)


def _clean_date(value: str | None) -> str | None:
    """A publication date in the future is an extraction error: drop it."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return None if when > datetime.now(timezone.utc) else value


def extract_article(body: bytes, url: str, header_encoding: str | None = None) -> Article:
    """Extract the article on a page, or raise NotAnArticle with the reason."""
    if is_listing_url(url):
        raise NotAnArticle("listing address (home, tag, category, search or page N)")
    if not body or not body.strip():
        raise NotAnArticle("empty page")
    markup, encoding, guessed = decode_html(body, header_encoding)
    # lxml refuses str input that still carries an XML encoding declaration
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    result = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False,
                                         include_tables=False, favor_precision=True)
    doc = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    text = (doc.get("text") or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        raise NotAnArticle(f"no article text ({len(text)} characters)")
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        tree = None
    if tree is not None:
        quoted, teaser_share = _listing_signals(tree, text)
        if quoted >= MIN_HEADLINE_LINKS or teaser_share >= MIN_TEASER_SHARE:
            raise NotAnArticle(f"listing page ({quoted} headlines in the text, {teaser_share:.0%} of lines are teasers)")
    title = (doc.get("title") or "").strip() or text.split("\n", 1)[0][:200]
    published = (_page_published(tree) if tree is not None else None) or doc.get("date")
    return Article(title=title, text=text, author=doc.get("author") or None,
                   published=_clean_date(published), encoding=encoding, encoding_guessed=guessed)
