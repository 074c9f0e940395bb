"""Complaints and appeals (ISO/IEC 17021-1 §9.7, §9.8): an enterprise appeals a decision about
it, anyone complains about a certificate holder, an evaluation body or a consultancy; an
impartial member of the alliance handles each case to its response."""
