"""The clause catalogue of GB/T 23001-2017: alliance staff list, edit and add clauses."""
