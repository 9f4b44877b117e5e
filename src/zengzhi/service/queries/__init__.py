"""Reads apart from commands: what the API's and the pages' detail and list reads show,
each read in one connection, returning the views the routes answer with."""
