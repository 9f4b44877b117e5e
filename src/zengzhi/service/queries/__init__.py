"""Reads apart from commands (cosmicpython's views): each module answers one page's or
one API read's questions in a few SQL statements, returns the views the routes and
pages show, and changes nothing."""
