"""redlist: US restriction lists, screened by name and identifier, with their history over time."""

__version__ = "0.1.0"
