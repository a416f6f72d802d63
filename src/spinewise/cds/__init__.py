"""CDS Hooks 2.0: a service that rates lumbar spine imaging orders (order-select, order-sign)."""
