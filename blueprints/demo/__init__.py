"""Demonstration data and ``flask demo load`` (a feature package without a Flask blueprint).

``loader`` creates the organisations and accounts and returns the accounts to print;
``assessments`` and ``projects`` walk self-assessments and certification projects through
the same services as the web pages.
"""
