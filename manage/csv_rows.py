"""Reading a CSV file of people (name, e-mail, optional external id) for the bulk invite page, never with a 500.

Accepted: UTF-8 (with or without a byte-order mark), UTF-16 with one, and Windows-1252 (what Excel on
Windows writes as "CSV"); comma, semicolon or tab separated; a header row naming the columns in any
order and case (``name``, or ``first name`` and ``last name``; ``email``/``e-mail``; ``external id``),
or no header: name, e-mail, external id in that order. Blank lines are skipped; other columns ignored.
What is wrong with the file as a whole is a :class:`CsvFileError` with a message for people; what is
wrong with a row is that row's (``assessments.services.bulk_invitations``).
"""

import codecs
import csv
import io

from assessments.services.bulk_invitations import BULK_INVITE_MAX_ROWS, BulkRow

CSV_MAX_BYTES = 512 * 1024
DELIMITERS = (",", ";", "\t")
NAME = {"name", "full name", "candidate", "candidate name"}
FIRST = {"first name", "firstname", "given name"}
LAST = {"last name", "lastname", "surname", "family name"}
EMAIL = {"email", "email address", "mail"}
EXTERNAL_ID = {"external id", "externalid", "ats id", "id", "candidate id"}


class CsvFileError(Exception):
    pass


def _text(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise CsvFileError("This is a spreadsheet workbook (.xlsx), not a CSV file: save it as “CSV UTF-8”.")
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data.decode("cp1252")  # Excel's "CSV" on Windows
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            f"The file is not text: byte {exc.object[exc.start]:#04x} at position {exc.start} is neither UTF-8 "
            "nor Windows-1252. Save it as “CSV UTF-8”."
        ) from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _normal(cell: str) -> str:
    return " ".join(cell.strip().lower().replace("_", " ").replace("-", "").split())


def _columns(header: list[str]) -> dict[str, int] | None:
    """Column positions named by a header row, or None when the row is not a header (no e-mail column)."""
    names = [_normal(cell) for cell in header]
    found: dict[str, int] = {}
    for kind, aliases in (("name", NAME), ("first", FIRST), ("last", LAST), ("email", EMAIL), ("id", EXTERNAL_ID)):
        position = next((i for i, name in enumerate(names) if name in aliases), None)
        if position is not None:
            found[kind] = position
    if "email" not in found:
        return None
    if "name" not in found and "first" not in found and "last" not in found:
        raise CsvFileError("The header row names no name column: “name”, or “first name” and “last name”.")
    return found


def _cell(cells: list[str], position: int | None) -> str:
    return cells[position].strip() if position is not None and position < len(cells) else ""


def _person(number: int, cells: list[str], columns: dict[str, int]) -> BulkRow:
    name = _cell(cells, columns.get("name"))
    if not name:
        name = " ".join(
            part for part in (_cell(cells, columns.get("first")), _cell(cells, columns.get("last"))) if part
        )
    return BulkRow(number, name, _cell(cells, columns.get("email")), _cell(cells, columns.get("id")))


def read_people(data: bytes) -> list[BulkRow]:
    """The people in a CSV file, each with their line number; ``CsvFileError`` if it cannot be read as one."""
    if len(data) > CSV_MAX_BYTES:
        raise CsvFileError(f"The file is {len(data)} bytes; the limit is {CSV_MAX_BYTES} bytes.")
    text = _text(data)
    if "\x00" in text:
        raise CsvFileError("The file holds NUL characters: it is not a CSV text file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    people: list[BulkRow] = []
    columns: dict[str, int] | None = None
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = _columns(cells)
                if columns is not None:
                    continue  # the header row
                columns = {"name": 0, "email": 1, "id": 2}
            if len(people) == BULK_INVITE_MAX_ROWS:
                raise CsvFileError(f"The file lists more than {BULK_INVITE_MAX_ROWS} people; split it.")
            people.append(_person(reader.line_num, cells, columns))
    except csv.Error as exc:
        raise CsvFileError(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from None
    if not people:
        raise CsvFileError("The file lists nobody: one person per line (name, e-mail, optional external id).")
    return people
