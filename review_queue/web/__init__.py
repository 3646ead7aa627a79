"""Review web app: the monitors' web app: server-rendered pages over the review queue's storage layer."""
