"""Crawl: what flows through the pipelines: a fetched page (or a Telegram post), then an
extracted and understood article; and a court notice."""
import scrapy


class ArticleItem(scrapy.Item):
    # set by the spider
    url = scrapy.Field()
    url_key = scrapy.Field()            # crawler.urls.url_key(url): the seen-URL record's key
    source = scrapy.Field()
    language_hint = scrapy.Field()
    body = scrapy.Field()               # raw bytes as served (None for a Telegram post)
    header_encoding = scrapy.Field()    # charset from Content-Type, or None
    # set by ExtractPipeline (or already by the telegram spider)
    title = scrapy.Field()
    text = scrapy.Field()
    author = scrapy.Field()
    published = scrapy.Field()
    encoding = scrapy.Field()
    reply_to = scrapy.Field()           # a Telegram reply: the address of the post it quotes
    partial = scrapy.Field()            # the page says it is behind a paywall: maybe the teaser only
    lang = scrapy.Field()
    signature = scrapy.Field()          # near-duplicate signature (stories.to_bytes)
    # set by StorePipeline
    article_id = scrapy.Field()
    story_id = scrapy.Field()


class CourtNoticeItem(scrapy.Item):
    source = scrapy.Field()
    url = scrapy.Field()
    court = scrapy.Field()
    date = scrapy.Field()
    time = scrapy.Field()
    case_number = scrapy.Field()
    judge = scrapy.Field()
    parties = scrapy.Field()
    article = scrapy.Field()
    subject = scrapy.Field()
    matched = scrapy.Field()            # the configured articles / keywords it mentions
