"""Crawl: the `telegram` spider: posts of public channels from their web previews
(https://t.me/s/<channel>), newest page first, paging back with `?before=` until it
reaches posts it already has, the date window, or the source's `max_pages`."""
from __future__ import annotations

from ..items import ArticleItem
from ..telegram import older_page_id, parse_channel_page
from ..urls import url_key
from .base import SourceSpider


class TelegramSpider(SourceSpider):
    name = "telegram"
    kind = "telegram"

    async def start(self):
        for source in self.sources.values():
            url = f"{source.base_url.rstrip('/')}/s/{source.channel}"
            yield self.request(url, self.parse_channel, source, page=1)

    def parse_channel(self, response):
        source = self.sources[response.meta["source"]]
        posts = parse_channel_page(response.text, source.base_url)
        self.inc(source.name, "posts_seen", len(posts))
        reached_known = reached_old = False
        for post in reversed(posts):  # newest first
            if self.too_old(post.date):
                reached_old = True
                self.inc(source.name, "out_of_window")
                continue
            if self.is_known(post.url):
                reached_known = True
                self.inc(source.name, "skipped_known")
                continue
            yield ArticleItem(
                url=post.url, url_key=url_key(post.url), source=source.name, language_hint=source.language,
                body=None, title=post.title, text=post.text, author=f"@{post.channel}",
                published=post.date.isoformat() if post.date else None, encoding="utf-8", reply_to=post.reply_to)
        before = older_page_id(response.body)
        page = response.meta["page"]
        if posts and before and not (reached_known or reached_old) and page < source.max_pages:
            url = f"{source.base_url.rstrip('/')}/s/{source.channel}?before={before}"
            yield self.request(url, self.parse_channel, source, page=page + 1)
