"""tracuu — Vietnamese search and QA over provincial plan documents."""
__version__ = "0.1.0"
