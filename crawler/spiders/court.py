"""The `court` spider: hearing schedules and judicial-act listings of court portals.
Where the fields are on the page is each source's `court:` config (crawler/court.py);
only notices matching the source's articles / keywords are kept."""
from __future__ import annotations

from ..court import NoticeFilter, more_pages, parse_notices
from ..discovery import parse_date
from ..items import CourtNoticeItem
from .base import SourceSpider


class CourtSpider(SourceSpider):
    name = "court"
    kind = "court"

    async def start(self):
        self.filters = {name: NoticeFilter.from_config(s.match) for name, s in self.sources.items()}
        for source in self.sources.values():
            for url in source.start_urls:
                yield self.request(url, self.parse_listing, source)

    def parse_listing(self, response):
        source = self.sources[response.meta["source"]]
        notices = parse_notices(response.text, source.court)
        self.inc(source.name, "notices_seen", len(notices))
        for notice in notices:
            matched = self.filters[source.name].matches(notice)
            if matched and not self.too_old(parse_date(notice.get("date"))):
                yield CourtNoticeItem(source=source.name, url=response.url, matched=matched,
                                      **{k: notice.get(k) for k in CourtNoticeItem.fields if k in notice})
        for href in more_pages(response.text, source.court):
            yield self.request(response.urljoin(href), self.parse_listing, source)

