"""yeouido: system trading for the Korean market."""

__version__ = "0.1.0"
