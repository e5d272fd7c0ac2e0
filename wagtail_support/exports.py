"""Spreadsheet exports (CSV and XLSX) that no spreadsheet program runs as formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets ("formula injection"): a ticket title typed by a customer could then
fetch URLs or run commands on the agent's computer. Every export of the app goes through ``neutralise``:
such a text gets a leading apostrophe, which the programs show as plain text. Numbers and dates are
left alone.
"""

import csv

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value):
    """``value``, with a leading apostrophe when it is a text a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class NeutralisedExportMixin:
    """For Wagtail index views with ``list_export`` (``SpreadsheetExportMixin``): every cell neutralised."""

    def preprocess_field_value(self, field, value, export_format):
        return neutralise(super().preprocess_field_value(field, value, export_format))


class CsvWriter:
    """``csv.writer`` whose rows are neutralised, for the app's hand-written CSV files."""

    def __init__(self, file):
        self._writer = csv.writer(file)

    def writerow(self, row):
        return self._writer.writerow([neutralise(value) for value in row])
