"""Crawl: scrapy settings for sozwatch. `sozwatch crawl` and `scrapy crawl news|telegram|court` read these."""
import os

BOT_NAME = "sozwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves and obey the sites' rules: small outlets run on small servers.
USER_AGENT = "sozwatch/0.1 (press-freedom monitoring; +https://github.com/sozwatch/sozwatch)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2     # a source's `concurrency:` overrides it for its hosts
# Outputs of one callback processed at once. An article page's callback yields one item (a Telegram
# page's posts are read without waiting), so Scrapy's default of 100 only costs: it starts 100
# asyncio tasks for every page's one item.
CONCURRENT_ITEMS = 4
DOWNLOAD_DELAY = 0.25                  # a source's `delay:` overrides it for its hosts
AUTOTHROTTLE_ENABLED = True            # slows down further when a server answers slowly (never below
                                       # a source's own delay or the site's robots.txt Crawl-delay)
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024   # a news article is never 10 MB; a broken server may send 5 GB
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy's list without CannotResolveHostError: a name that does not resolve will not resolve a
# second later either (DeadHostMiddleware then skips the host for the rest of the run)
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,   # HttpCompressionMiddleware on an empty compressed body
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# No listening sockets: the telnet console and Scrapy 2.19's "remote control" HTTP server
# (which runs code sent to it) are for debugging a crawl by hand, never for a monitoring host.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.DeadHostMiddleware": 540,
    "crawler.middlewares.PoliteRetryMiddleware": 550,
    "crawler.middlewares.ConditionalGetMiddleware": 560,
    # after HttpCompressionMiddleware (590) in request order, so it sees the compressed body first
    "crawler.middlewares.TruncatedBodyMiddleware": 595,
}

EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,     # replaced by SourceThrottle (per host)
    "crawler.extensions.SourceThrottle": 0,
    "crawler.extensions.CrawlDelay": 10,
    "crawler.extensions.CrawlHealth": 100,
    "crawler.extensions.CrawlProgress": 110,
    "crawler.distributed.WorkerIdle": 120,    # only with SOZWATCH_WORKERS (distributed crawl)
}

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 100,
    "crawler.pipelines.KnownArticlePipeline": 200,
    "crawler.pipelines.StorePipeline": 400,
    "crawler.pipelines.CourtNoticePipeline": 500,
}

# sozwatch's own settings (override with -s NAME=value or `sozwatch crawl` flags)
SOZWATCH_DB = "sozwatch.db"
SOZWATCH_SOURCES = None         # None: the shipped crawler/sources.yaml
SOZWATCH_SOURCE_NAMES = []      # only these sources (default: all of the spider's kind)
SOZWATCH_SINCE = None           # ISO date: nothing older is fetched or stored
SOZWATCH_MODELS_DIR = None      # None: the project's models/ directory
SOZWATCH_CONDITIONAL_GET = True
SOZWATCH_RETRY_BACKOFF = 1.0    # seconds before the first retry, doubling with each further one
SOZWATCH_RETRY_BACKOFF_MAX = 60.0
SOZWATCH_RETRY_AFTER_MAX = 600.0  # a server asking for a longer pause is left alone until the next run
SOZWATCH_MAX_ATTEMPTS = 3       # runs in which an article may fail before it leaves the frontier
# Processes reading pages beside the reactor (crawler/extract_workers.py): one per core beyond the
# first, at most 4 (beyond that the reactor, not extraction, is the limit); 0 reads them in-process
SOZWATCH_EXTRACT_PROCESSES = max(0, min(4, (os.cpu_count() or 1) - 1))
SOZWATCH_STORY_WINDOW_DAYS = 30  # near-duplicates are looked for among this many days of articles
SOZWATCH_PROGRESS = "auto"      # auto: on a terminal only; on; off
SOZWATCH_PROGRESS_INTERVAL = 2.0

# Distributed crawl (crawler/distributed.py): a redis:// URL makes this process one of several
# workers sharing a frontier in Redis (`sozwatch crawl --workers URL`). None: one process, as usual.
SOZWATCH_WORKERS = None
SOZWATCH_CRAWL_ID = None        # workers of one round share it (default: the current UTC hour)
SOZWATCH_WORKER_IDLE = 10.0     # seconds a worker waits for more work once its queue is dry
