"""Pure rules of the help desk: no I/O, no SQL, no Textual."""
