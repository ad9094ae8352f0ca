"""The code version (the data version is in data/datapackage.json)."""

__version__ = "0.1.0"
