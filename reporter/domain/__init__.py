"""The domain core: records and pure functions. No Tk, no SQLite, no file formats."""
