"""Shared by the reports and the web app: turning crawled, untrusted text into safe HTML.

Everything from an article is escaped piece by piece; the only markup added is our
own <mark> around evidence sentences and around the words a search matched. Links to
originals are rendered only for http(s) URLs, so `javascript:` or `data:` URLs never
become clickable. The Markdown report gets the same care (`markdown_text`, `markdown_link`):
a Markdown viewer renders inline HTML and links, so crawled text must not carry either.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

from .storage.search_terms import WORD_RE, query_groups, word_terms

MAX_MARK_CLASSES = 6   # evidence colours in app.css: ev-0 .. ev-5


def safe_link(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (to be shown as plain text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def search_hits(text: str | None, query: str | None) -> Markup:
    """`text` escaped, with every word that the search `query` matches (any inflected form, the
    search's own analysis) wrapped in <mark class="hit">."""
    text = text or ""
    wanted = {term for group in query_groups(query or "") for term in group}
    if not wanted:
        return escape(text)
    out, position = [], 0
    for word in WORD_RE.finditer(text):
        if wanted.intersection(word_terms(word.group())):
            out.append(escape(text[position:word.start()]))
            out.append(Markup('<mark class="hit">{}</mark>').format(word.group()))
            position = word.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def _evidence_spans(text: str, evidence: dict[str, list[str]]) -> list[tuple[int, int, str, int]]:
    """(start, end, code, colour) of every occurrence of each evidence sentence, without overlaps."""
    spans = []
    for colour, (code, sentences) in enumerate(sorted(evidence.items())):
        for sentence in sentences or []:
            sentence = (sentence or "").strip()
            if not sentence:
                continue
            start = text.find(sentence)
            while start != -1:
                spans.append((start, start + len(sentence), code, colour % MAX_MARK_CLASSES))
                start = text.find(sentence, start + len(sentence))
    spans.sort()
    kept, last_end = [], 0
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept


def highlight(text: str | None, evidence: dict | None, label, query: str | None = None) -> Markup:
    """The article text, escaped, with evidence sentences wrapped in <mark> per category and the
    words matched by the search `query` in <mark class="hit"> (search_hits), inside them too.

    `label(code)` names a category for the mark's tooltip. With no evidence and no query the
    text is returned escaped and unmarked.
    """
    text = text or ""
    if not isinstance(evidence, dict):
        evidence = {}
    out, position = [], 0
    for start, end, code, colour in _evidence_spans(text, evidence):
        out.append(search_hits(text[position:start], query))
        out.append(Markup('<mark class="ev ev-{}" data-category="{}" title="{}">{}</mark>').format(
            colour, code, label(code), search_hits(text[start:end], query)))
        position = end
    out.append(search_hits(text[position:], query))
    return Markup("").join(out)


def as_label(value) -> str:
    """A readable label for an optional prediction field: a string, or a dict with text/code and type."""
    if isinstance(value, dict):
        main = value.get("text") or value.get("code") or value.get("name") or ""
        kind = value.get("type") or value.get("label") or value.get("about") or ""
        return f"{main} ({kind})" if main and kind else str(main or kind)
    return str(value)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
# A script scheme's colon as an entity: renders as ":" but no viewer's autolinker can take it for a link.
SCRIPT_SCHEME = re.compile(r"\b(javascript|vbscript|data):", re.IGNORECASE)


def markdown_text(value) -> str:
    """Crawled or typed text as literal Markdown: HTML tags become entities, Markdown syntax is
    backslash-escaped (no link, image or emphasis can be formed), line breaks become spaces."""
    text = " ".join(str(value or "").split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = SCRIPT_SCHEME.sub(r"\1&#58;", text)
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


LINK_SAFE = ":/?#@!$&*+,;=%~-._"   # kept as they are in a URL; ( ) ' < > and spaces are percent-encoded


def markdown_link(title, url: str | None) -> str:
    """`[title](url)` for an http(s) URL (characters that would end the link percent-encoded); only the
    title, as text, for anything else: a `javascript:` link never reaches the report."""
    link = safe_link(url)
    label = markdown_text(title or link or "—")
    if not link:
        return label
    return f"[{label}]({quote(link, safe=LINK_SAFE)})"


def as_sentence(parts: list[str]) -> str:
    """Items joined with commas, ending in exactly one full stop ("А. Ахметова." not "А. Ахметова..")."""
    text = ", ".join(p.strip() for p in parts if p and p.strip())
    return text if not text or text.endswith((".", "!", "?", "…")) else text + "."
