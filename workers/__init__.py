"""Stages beside the crawl: processes that take work from the queue database (classify.py)."""
