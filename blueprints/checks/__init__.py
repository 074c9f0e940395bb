"""Where a list of enterprises stands, by credit code: for authorities and funding programmes."""
