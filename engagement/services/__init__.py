"""Every write of the engagement app, one module per area."""
