"""Grant Reporter: expenditure by funder, contract checks and funder-format reports."""

__version__ = "0.1.0"
