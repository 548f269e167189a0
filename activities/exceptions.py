class TransitionError(Exception):
    """A status change the status machine does not allow; the message is for the user."""


class BillingLockedError(Exception):
    """Billing lines cannot change once a Pennylane document is finalized or sent."""
