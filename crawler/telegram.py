"""Crawl: posts of a public Telegram channel from its web preview, https://t.me/s/<channel>.

The preview shows the newest ~20 posts; `?before=<id>` pages back. Each post is a
`div.tgme_widget_message` with `data-post="<channel>/<id>"`, its text in
`.tgme_widget_message_text`, views in `.tgme_widget_message_views` ("1.2K") and the
time in `a.tgme_widget_message_date time[datetime]`. A reply first quotes the post it
answers, in `a.tgme_widget_message_reply` (whose excerpt has the same text class), then
its own text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from parsel import Selector

from .discovery import parse_date

TITLE_CHARS = 120


@dataclass
class Post:
    channel: str
    id: int
    url: str                      # https://t.me/<channel>/<id>: the post's own address
    date: datetime | None
    text: str
    links: list[str] = field(default_factory=list)
    views: int | None = None
    reply_to: str | None = None   # the address of the post this one replies to

    @property
    def title(self) -> str:
        first = self.text.strip().split("\n", 1)[0]
        return first if len(first) <= TITLE_CHARS else first[:first.rfind(" ", 0, TITLE_CHARS)] + "…"


def parse_views(text: str | None) -> int | None:
    """'1.2K' → 1200, '3M' → 3000000, '845' → 845."""
    if not text or not text.strip():
        return None
    text = text.strip().upper().replace(",", ".")
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1], 1)
    try:
        return int(float(text[:-1] if scale > 1 else text) * scale)
    except ValueError:
        return None


def _text(node: Selector) -> str:
    """Message text with <br> as line breaks and whitespace tidied."""
    parts = []
    for piece in node.xpath(".//text() | .//br"):
        parts.append("\n" if getattr(piece.root, "tag", None) == "br" else piece.get())
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def parse_channel_page(html: str | bytes, base_url: str = "https://t.me") -> list[Post]:
    """The posts on one preview page, oldest first; posts with no text (photos only) are skipped."""
    sel = Selector(text=html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
    posts = []
    for msg in sel.css("div.tgme_widget_message[data-post]"):
        channel, _, post_id = msg.attrib["data-post"].partition("/")
        if not post_id.isdigit():
            continue
        # the post's own text, not the excerpt of the post it replies to
        body = msg.xpath(".//*[contains(concat(' ', @class, ' '), ' tgme_widget_message_text ')]"
                         "[not(ancestor::*[contains(concat(' ', @class, ' '), ' tgme_widget_message_reply ')])]")
        text = _text(body[0]) if body else ""
        if not text:
            continue
        links = [href for href in body[0].css("a::attr(href)").getall() if href.startswith("http")]
        quoted = msg.css("a.tgme_widget_message_reply::attr(href)").get()
        posts.append(Post(
            channel=channel, id=int(post_id), url=f"{base_url.rstrip('/')}/{channel}/{post_id}",
            date=parse_date(msg.css("a.tgme_widget_message_date time::attr(datetime)").get()
                            or msg.css("time::attr(datetime)").get()),
            text=text, links=links, views=parse_views(msg.css(".tgme_widget_message_views::text").get()),
            reply_to=urljoin(f"{base_url.rstrip('/')}/", quoted) if quoted else None))
    return sorted(posts, key=lambda p: p.id)


def older_page_id(html: str | bytes) -> int | None:
    """The `before` id of the next-older page, from the "load more" link or the oldest post."""
    sel = Selector(text=html.decode("utf-8", "replace") if isinstance(html, bytes) else html)
    before = sel.css("a.tme_messages_more[data-before]::attr(data-before)").get()
    if before and before.isdigit():
        return int(before)
    ids = [int(p.split("/")[-1]) for p in sel.css("div.tgme_widget_message::attr(data-post)").getall()
           if p.split("/")[-1].isdigit()]
    return min(ids) if ids and min(ids) > 1 else None
