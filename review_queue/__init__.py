"""The review queue: one storage layer over SQLite that owns every table."""
