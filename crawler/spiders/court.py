"""Crawl: the `court` spider: hearing schedules and judicial-act listings of court portals.
Where the fields are on the page is each source's `court:` config (crawler/court.py);
only notices matching the source's articles / keywords are kept. A source with a
`form:` (JSF portals such as office.sud.kz) has its search form submitted first, and
its `next_button` pressed page after page."""
from __future__ import annotations

import warnings

import scrapy
from scrapy.exceptions import ScrapyDeprecationWarning

from ..court import (DEFAULT_MAX_FORM_PAGES, DEFAULT_WINDOW, NoticeFilter, fill_form, form_dates,
                     has_enabled_button, more_pages, parse_notices, session_cookie)
from ..discovery import parse_date
from ..items import CourtNoticeItem
from ..sources import Source, parse_duration
from .base import SourceSpider


class CourtSpider(SourceSpider):
    name = "court"
    kind = "court"

    async def start(self):
        self.filters = {name: NoticeFilter.from_config(s.match) for name, s in self.sources.items()}
        for source in self.sources.values():
            callback = self.submit_search if source.court.get("form") else self.parse_listing
            for url in source.start_urls:
                yield self.request(url, callback, source)

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
        if "form_page" in response.meta:
            yield from self.next_form_page(response, source)

    # -- search forms ----------------------------------------------------------------
    def submit_search(self, response):
        """The start page of a form source: submit its search form, read the answer as a listing."""
        source = self.sources[response.meta["source"]]
        request = self.form_request(response, source, source.court["form"].get("submit"), page=1)
        if request is not None:
            yield request

    def next_form_page(self, response, source: Source):
        """Press the `next_button` while the page has it enabled, up to the page cap."""
        button = source.court.get("next_button")
        if not button or not has_enabled_button(response.text, source.court["form"].get("css"), button):
            return
        page = response.meta["form_page"]
        cap = source.court.get("max_pages") or self.settings.getint("SOZWATCH_COURT_MAX_PAGES",
                                                                    DEFAULT_MAX_FORM_PAGES)
        if page >= cap:
            self.inc(source.name, "form_page_cap")
            self.logger.warning("%s: stopped after %d form pages (max_pages); %s still offers %r",
                                source.name, page, response.url, button)
            return
        request = self.form_request(response, source, button, page=page + 1)
        if request is not None:
            yield request

    def form_request(self, response, source: Source, button: str | None, page: int):
        """The form submitted from `response` (its hidden fields, ViewState included, come along)
        with the configured data and `button` clicked; None, counted and logged, when the page
        has no such form or button."""
        form = source.court["form"]
        data = fill_form(form.get("data"), form_dates(self.since, parse_duration(form.get("window") or DEFAULT_WINDOW)))
        # JSF keeps the search's state in the server session too: the POST must carry the session
        # cookie, and the crawl runs without Scrapy's cookie middleware, so it goes by hand.
        cookie = session_cookie(response)
        try:
            with warnings.catch_warnings():
                # Scrapy 2.19 deprecates from_response for the form2request package, which sozwatch
                # does not depend on (yet); until it does, the warning would be noise in every crawl.
                warnings.simplefilter("ignore", ScrapyDeprecationWarning)
                return scrapy.FormRequest.from_response(
                    response, formcss=form.get("css"), formdata=data, clickdata={"name": button} if button else None,
                    callback=self.parse_listing, errback=self.on_error,
                    # JSF may post the same body for every "next" (the ViewState need not change):
                    # the duplicate filter would end the pagination; the page cap ends loops instead.
                    dont_filter=True, meta={"source": source.name, "form_page": page},
                    headers={"Cookie": cookie} if cookie else None)
        except ValueError as exc:   # Scrapy's "No form matching …" / "No clickable element matching …"
            kind = "form_button_not_found" if "clickable" in str(exc) else "form_not_found"
            self.inc(source.name, f"errors/{kind}")
            self.logger.error("%s: %s: cannot submit the search form %s: %s", source.name, response.url,
                              form.get("css") or "(the first form)", exc)
            return None
