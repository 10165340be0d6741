"""Tabular input and output: read a batch file, answer every row, write the answers in order.

- :mod:`redlist.batch.read`: CSV/TSV, XLSX, Parquet and JSON lines in, streamed row by row;
- :mod:`redlist.batch.write`: JSON lines, JSON, CSV and XLSX out (spreadsheet-safe cells);
- :mod:`redlist.batch.run`: the loop (:func:`process_file`) and the screening and status runs.
"""
