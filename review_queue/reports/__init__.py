"""Report: the foundation's counts, exports and alerts, from confirmed incidents."""
