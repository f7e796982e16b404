"""One module per screen or dialog of the terminal interface."""
