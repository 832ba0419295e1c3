"""Spreadsheet files (XLSX and CSV) streamed from row iterators, never held whole in memory.

A table is a list of `Column`s and an iterator of rows (tuples in the columns' order). XLSX is
written by XlsxWriter in constant-memory mode (each row leaves memory as the next one starts)
into a temporary file that the response then streams; CSV goes out row by row through a
`StreamingHttpResponse`. Both carry French headers; the XLSX has a « Dictionnaire » sheet and
the CSV a second header line with the stable machine names that scripts should rely on."""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

# A cell a spreadsheet would read as a formula (or as a command, for DDE) starts with one of
# these; OWASP's "CSV injection" advice: prefix it with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def escape_formula(value):
    """`value` unchanged unless it is text a spreadsheet would evaluate: then prefixed with an
    apostrophe, so that « =HYPERLINK(…) » in a project title stays text. Numbers are never
    escaped (a negative number is a number)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column: its stable machine name, its French header and what it holds."""

    name: str
    label: str
    description: str = ""
    width: int = 14


@dataclass
class Table:
    """A sheet: its name (≤ 31 characters for XLSX), columns and rows."""

    title: str
    columns: list[Column]
    rows: Iterable[tuple]


def _cell(value):
    """A value as a spreadsheet cell: numbers stay numbers, dates dates, text is escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("oui") if value else gettext("non")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, int | float | date):
        return value
    return escape_formula(str(value))


def write_xlsx(tables: list[Table], target) -> None:
    """The tables, then the data dictionary, into `target` (a path or a file object)."""
    workbook = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for table in tables:
        sheet = workbook.add_worksheet(table.title[:31])
        for index, column in enumerate(table.columns):
            sheet.set_column(index, index, column.width)
            sheet.write_string(0, index, column.label, header)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(table.rows, start=1):
            for index, value in enumerate(row):
                if value is None:
                    continue  # an empty cell, not an empty string
                cell = _cell(value)
                if isinstance(cell, str):
                    # Never a formula nor a URL, whatever the text.
                    sheet.write_string(row_index, index, cell)
                elif isinstance(cell, datetime):
                    sheet.write_datetime(row_index, index, cell, moment)
                elif isinstance(cell, date):
                    sheet.write_datetime(row_index, index, cell, day)
                else:
                    sheet.write_number(row_index, index, cell)
    dictionary = workbook.add_worksheet(gettext("Dictionnaire"))
    for index, label in enumerate(
        [gettext("Feuille"), gettext("Colonne"), gettext("Nom technique"), gettext("Contenu")]
    ):
        dictionary.write_string(0, index, label, header)
    dictionary.set_column(0, 2, 24)
    dictionary.set_column(3, 3, 80)
    row_index = 1
    for table in tables:
        for column in table.columns:
            for index, text in enumerate(
                [table.title[:31], column.label, column.name, column.description]
            ):
                dictionary.write_string(row_index, index, escape_formula(str(text)))
            row_index += 1
    workbook.close()


def xlsx_response(tables: list[Table], filename: str) -> FileResponse:
    """The workbook written to a temporary file (constant memory), then streamed from it;
    the file disappears when the response closes it."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write_xlsx(tables, spool)
    spool.seek(0)
    response = FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Echo:
    """The file-like object csv.writer writes to: it hands each line back."""

    def write(self, value):
        return value


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV lines: a byte-order mark (so that spreadsheets read UTF-8), the French
    headers, the machine names, then the rows; comma-separated, point decimals."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([column.label for column in table.columns])
    yield writer.writerow([column.name for column in table.columns])
    for row in table.rows:
        yield writer.writerow([_csv_value(value) for value in row])


def _csv_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, float | Decimal | int) and not isinstance(value, bool):
        return value
    cell = _cell(value)
    return cell.isoformat() if isinstance(cell, date) else cell


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode() for line in csv_lines(table)), content_type=CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
