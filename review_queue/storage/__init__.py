"""Storage, the bottom layer: the queue database (SQLite or PostgreSQL), its schema and every table; imports nothing else of ours."""
