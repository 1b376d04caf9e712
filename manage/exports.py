"""CSV downloads from the hiring-manager pages, safe to open in a spreadsheet.

A cell a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return: OWASP's "CSV injection") is written with a leading apostrophe, so it shows as the
text it is and never runs. Numbers stay numbers. UTF-8 with a byte-order mark, so spreadsheet programs
read names in any script correctly.
"""

import csv
from collections.abc import Iterable, Sequence
from io import StringIO

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | bool | None


def csv_cell(value: Cell) -> str | int | float:
    """One cell: text that could start a formula gets an apostrophe in front; None is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
