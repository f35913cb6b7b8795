"""The use cases: the one API that both the command line and the window call.

Each write is one transaction: it is saved whole or not at all.
"""
