"""tipdata: responsible case data for the anti-trafficking field."""

__version__ = "0.1.0"
