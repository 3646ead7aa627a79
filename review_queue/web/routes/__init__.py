"""Review web app: the routes, one module per kind of page (auth, review, learn)."""
