"""Torch networks of the search spaces, built from canonical arch ids, with exact size counts."""
