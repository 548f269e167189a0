"""A local emulator of Pennylane's OAuth server and API v2 (see README.md).

It is a separate Django site with its own settings (``sandbox.settings``), its own database and
its own port. It imports nothing from the product's apps and shares no table with them.
"""
