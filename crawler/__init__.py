"""Crawl: the Scrapy project: spiders discover and fetch; item pipelines extract, understand and store."""
