"""Review queue and everything after it: storage (the bottom layer), the monitors' review, the learning loop,
the reports and the web app; see docs/architecture.md."""
