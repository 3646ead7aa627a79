"""Extract: from a fetched page's bytes to an article (text, title, date, author, behind a
paywall or not), or the reason it is not one.

Plain functions: bytes in, `Article` out. Used by the item pipeline and by tests.

Whether a page is an article is judged by what the page says about itself (`og:type`,
JSON-LD `@type`, one `<article>`), and by what trafilatura kept as its main text: a listing's
main text is other pages' headlines and the teasers beside them. The thresholds were set on
300 real pages (benchmarks/extraction_real.py)."""
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

MIN_TEXT_CHARS = 200      # shorter text is a teaser, caption or error page …
MIN_BRIEF_CHARS = 60      # … unless the page calls itself an article: a news brief may be this short
LINK_MOST_OF_LINE = 0.6   # a link covering this share of its line is a headline, not a link in a sentence
HEADLINE_WORDS = 4        # shorter link texts are menus, names and "back to top", not headlines
CARD_BLOCKS = 4           # a teaser card: a headline, its snippet, a date, a picture
MIN_HEADLINES = 3         # fewer headlines and teasers never make a listing
LISTING_SHARE = 0.5       # headlines and teasers beside them make half the text: a listing …
LISTING_SHARE_IF_ARTICLE = 0.8   # … or nearly all of it, when the page's metadata says "article"
# A paywalled page often still carries the whole article (served to search engines): only a short
# text on a page that signals a paywall is its teaser (11 of the 300 benchmark pages carry paywall
# markup, 9 of them with 2,000 to 13,000 characters of full text)
PAYWALL_STUB_CHARS = 1500

# schema.org types of an article page (JSON-LD @type)
ARTICLE_TYPES = {"article", "newsarticle", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
                 "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting",
                 "liveblogposting", "socialmediaposting", "discussionforumposting", "report", "scholarlyarticle",
                 "techarticle", "review"}
# markup of a paywall: class or id names, and Facebook's content tier for subscriber-only articles
PAYWALL_MARKUP = re.compile(r"(?<!no-)paywall|pay-wall|premium-(content|lock)|subscribers?-only|locked-content", re.I)

# Paths that news sites use for pages listing other pages; a path that goes on past them
# (/tag/x/some-article, /archive/2020/08/some-article, /page/about.html) is an article.
LISTING_URL = re.compile(
    r"^/?$"
    r"|/(tags?|category|categories|rubric|rubrics|section|author|authors|search)(/[^/]+)?/?$"
    r"|/(page|archive)(/\d+)*/?$"
    r"|[?&](page|paged|tag|category|cat|s)=", re.IGNORECASE)


def is_listing_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(LISTING_URL.search(parts.path + ("?" + parts.query if parts.query else "")))


class NotAnArticle(Exception):
    """The page is a listing, a tag page, empty or unreadable. `reason` is a short key counted
    per source and run (crawl_runs.refusals); str(exc) says it in words."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class Article:
    title: str
    text: str
    author: str | None
    published: str | None     # ISO date, or datetime with zone when the page gives one; never in the future
    encoding: str
    encoding_guessed: bool    # no charset in the header or the page: we detected it
    partial: bool = False     # behind a paywall and short: the text is probably the teaser only


@dataclass
class PageSignals:
    """What a page says about itself in its markup."""
    article: bool = False     # og:type article, a JSON-LD article type, or one <article> element
    paywall: bool = False     # JSON-LD isAccessibleForFree false, content tier "locked", paywall markup


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
        raise NotAnArticle("undecodable", "undecodable bytes")
    return str(best), best.encoding, True


def _norm(text: str) -> str:
    return " ".join(text.split())


def _json_ld_objects(tree):
    """The top-level JSON-LD objects, members of an @graph, a page's mainEntity and its parts (where
    a paywalled section is declared): the ones describing the page itself (an ItemList's members
    describe other pages). In the page's order; broken blocks skipped."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
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
                stack.extend(reversed([v for k, v in node.items() if k in ("@graph", "mainEntity", "hasPart")]))


def page_signals(tree) -> PageSignals:
    """Read the page's own metadata and markup for "I am an article" and "I am behind a paywall"."""
    signals, types = PageSignals(), set()
    for obj in _json_ld_objects(tree):
        kinds = obj.get("@type")
        types.update(str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds]) if k)
        if str(obj.get("isAccessibleForFree", "")).lower() in ("false", "no"):
            signals.paywall = True
    og_type = " ".join(tree.xpath('//meta[@property="og:type"]/@content')).strip().lower()
    signals.article = og_type == "article" or bool(types & ARTICLE_TYPES) or len(tree.xpath("//article")) == 1
    tier = " ".join(tree.xpath('//meta[@property="article:content_tier"]/@content')).lower()
    signals.paywall = signals.paywall or tier == "locked" or any(
        PAYWALL_MARKUP.search(value) for value in tree.xpath("//@class | //@id"))
    return signals


def _headline_texts(tree) -> list[str]:
    return list({t for t in (_norm(a.text_content()) for a in tree.iter("a")) if len(t.split()) >= HEADLINE_WORDS})


def _is_headline(line: str, links: list[str]) -> bool:
    """The line is a link, or a link is most of it (a headline with its date or rubric);
    a link inside a sentence is not."""
    return any(line in link or (link in line and len(link) >= LINK_MOST_OF_LINE * len(line)) for link in links)


def _beside_headline(el, links: list[str]) -> bool:
    """A teaser: the block right before or after it is a headline link, and the two make a small
    card of their own (an article's paragraphs beside a "read also" link share a big container)."""
    parent = el.getparent()
    if parent is None or len(parent) > CARD_BLOCKS:
        return False
    for sibling in (el.getprevious(), el.getnext()):
        if sibling is not None and isinstance(sibling.tag, str):
            text = _norm(sibling.text_content())
            if text and _is_headline(text, links):
                return True
    return False


def listing_share(tree, text: str) -> tuple[int, float, int]:
    """(headlines and teasers in the main text, their share of its characters, its lines).

    A listing's "main text" is the headlines of other pages and the snippets beside them."""
    links = _headline_texts(tree)
    blocks: dict[str, object] = {}
    for el in tree.iter("p", "div", "li", "span", "h2", "h3", "h4"):
        blocks.setdefault(_norm(el.text_content()), el)
    lines = [_norm(line).lstrip("-*• ") for line in text.split("\n")]
    lines = [line for line in lines if line]
    found, chars = 0, 0
    for line in lines:
        el = blocks.get(line)
        if _is_headline(line, links) or (el is not None and _beside_headline(el, links)):
            found += 1
            chars += len(line)
    return found, chars / max(sum(map(len, lines)), 1), len(lines)


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
        raise NotAnArticle("listing_address", "listing address (home, tag, category, search or page N)")
    if not body or not body.strip():
        raise NotAnArticle("empty_page", "empty page")
    markup, encoding, guessed = decode_html(body, header_encoding)
    # lxml refuses str input that still carries an XML encoding declaration
    markup = re.sub(r"^\s*<\?xml[^>]*\?>", "", markup)
    try:
        tree = lxml_html.fromstring(markup)
    except (ValueError, lxml_html.etree.ParserError):
        raise NotAnArticle("no_text", "no article text (not an HTML page)") from None
    signals = page_signals(tree)
    # trafilatura's defaults keep tables (a results table is the article) and stay with recall:
    # favor_precision cut real paragraphs on the benchmark pages; comments are never the article
    result = trafilatura.bare_extraction(markup, url=url, with_metadata=True, include_comments=False)
    doc = result.as_dict() if result is not None and hasattr(result, "as_dict") else (result or {})
    text = (doc.get("text") or "").strip()
    if len(text) < (MIN_BRIEF_CHARS if signals.article else MIN_TEXT_CHARS):
        raise NotAnArticle("no_text", f"no article text ({len(text)} characters)")
    found, share, lines = listing_share(tree, text)
    # a short listing deduplicated by trafilatura may keep fewer lines than MIN_HEADLINES, all headlines
    if found >= min(MIN_HEADLINES, max(lines, 2)) and share >= (LISTING_SHARE_IF_ARTICLE if signals.article else LISTING_SHARE):
        raise NotAnArticle("listing_page", f"listing page ({found} headlines and teasers, {share:.0%} of the text)")
    title = (doc.get("title") or "").strip() or text.split("\n", 1)[0][:200]
    published = _page_published(tree) or doc.get("date")
    return Article(title=title, text=text, author=doc.get("author") or None,
                   published=_clean_date(published), encoding=encoding, encoding_guessed=guessed,
                   partial=signals.paywall and len(text) < PAYWALL_STUB_CHARS)
