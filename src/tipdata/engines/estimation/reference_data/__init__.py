"""Published capture-history tables (CSV) used as reference data; see README.md."""
