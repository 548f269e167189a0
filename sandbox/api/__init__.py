"""Pennylane API v2 (``/api/external/v2/...``), the subset the product uses."""
