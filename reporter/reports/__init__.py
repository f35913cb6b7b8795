"""Funder reports: the data set built from a template, and its PDF and XLSX renderers."""
