"""What flows through the pipelines: a fetched page, then an extracted and understood article."""
import scrapy


class ArticleItem(scrapy.Item):
    # set by the spider
    url = scrapy.Field()
    source = scrapy.Field()
    language_hint = scrapy.Field()
    body = scrapy.Field()               # raw bytes as served
    header_encoding = scrapy.Field()    # charset from Content-Type, or None
    # set by ExtractPipeline
    title = scrapy.Field()
    text = scrapy.Field()
    author = scrapy.Field()
    published = scrapy.Field()
    encoding = scrapy.Field()
    # set by StorePipeline / ClassifyPipeline
    article_id = scrapy.Field()
    lang = scrapy.Field()
    prediction = scrapy.Field()
