"""tracuu."""
