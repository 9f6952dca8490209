"""Training accountability reports: who is accountable if the online training fails."""

__version__ = "0.1.0"
