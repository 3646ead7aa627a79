"""Scrapy settings for sozwatch. `sozwatch crawl` and `scrapy crawl news` both read these."""

BOT_NAME = "sozwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves and obey the sites' rules: small outlets run on small servers.
USER_AGENT = "sozwatch/0.1 (press-freedom monitoring; +https://github.com/sozwatch/sozwatch)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024   # a news article is never 10 MB; a broken server may send 5 GB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 100,
    "crawler.pipelines.StorePipeline": 200,
    "crawler.pipelines.ClassifyPipeline": 300,
    "crawler.pipelines.QueuePipeline": 400,
}

# sozwatch's own settings (override with -s NAME=value or `sozwatch crawl` flags)
SOZWATCH_DB = "sozwatch.db"
SOZWATCH_SOURCES = None        # None: the shipped crawler/sources.yaml
SOZWATCH_MODELS_DIR = None     # None: the project's models/ directory
