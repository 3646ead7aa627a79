"""Storage, the bottom layer: the queue database (SQLite or PostgreSQL), its schema and every table; imports nothing else of ours."""

# A review item's life; here, not in store.py, so the command line can offer it without opening a database.
STATUSES = ("pending", "second_opinion", "confirmed", "rejected")
