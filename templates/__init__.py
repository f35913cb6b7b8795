"""The funder templates as the package `reporter._templates`.

This folder stays at the top of the checkout; pyproject.toml maps it into the package so that an
installed wheel and a frozen build carry it, and reporter/paths.py finds it through importlib.resources.
"""
