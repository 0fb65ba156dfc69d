"""Self-contained HTML report and figures."""
