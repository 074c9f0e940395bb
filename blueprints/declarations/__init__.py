"""Impartiality and confidentiality declarations and conflicts of interest (issue 20, part 3)."""
