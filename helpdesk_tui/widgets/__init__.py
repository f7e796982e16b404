"""Reusable Textual widgets: the record list, the filter line, the quick filters, the header."""
