"""De-identification engine: k-anonymous microdata, DP tables, synthetic data, releases."""
