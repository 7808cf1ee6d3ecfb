"""Every write to toolkits, cycles, cases and samples: one module per area."""
