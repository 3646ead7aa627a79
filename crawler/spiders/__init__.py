"""Crawl: spiders: each discovers pages of one kind of source and yields them for the pipelines."""
