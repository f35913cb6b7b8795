"""Reading what other programs write: accounting exports (CSV, TXT, XLSX, XLS, ODS) and partner packages.

`table` reads a file into rows of cells, whatever its encoding, separator or
spreadsheet format; `layout` finds the header, the title and totals rows;
`mapping` says which column holds which field (saved as profiles); `cells`
turns a cell into the text a typed entry would have. Nothing here writes to the
database: the services validate the rows with the domain's own rules and save
them in one transaction.
"""
