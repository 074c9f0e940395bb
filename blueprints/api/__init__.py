"""The machine interface (/api/v1), its keys and its documentation."""
