"""Understand: text in, understanding out: language, incident relevance and Adil Soz categories.

Pure code: nothing here opens the database or the network (see ARCHITECTURE.md).
"""
