"""Review: the monitors' work on the queue (claims, decisions, double review, incidents, accounts)."""
