"""One module per performance category: quality, ia, pi, cost. Pure functions, no AWS."""
