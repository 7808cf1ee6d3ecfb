"""Forms of the QA Manager's pages: one module per area."""
