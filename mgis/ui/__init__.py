"""The desktop user interface (Qt widgets)."""
