"""kamkit: key account management across the relationship lifecycle."""

__version__ = "0.1.0"
