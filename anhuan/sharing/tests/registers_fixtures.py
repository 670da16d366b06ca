"""Test data for the register tests: two enterprises in the two persona regions, and xlsx writing."""

import datetime as dt
import io

import openpyxl
import pytest

from anhuan.enterprises.tests.factories import credit_code_for, register

TODAY = dt.date(2025, 6, 1)


@pytest.fixture
def enterprise_a(region_a):
    return register(region_a, "信都区测试化工有限公司", credit_code=credit_code_for(region_a.code, 710001))


@pytest.fixture
def enterprise_b(region_b):
    return register(region_b, "沙河市测试玻璃有限公司", credit_code=credit_code_for(region_b.code, 710002))


def xlsx_bytes(header, rows, *, title=None):
    """Write a workbook with an optional title row, the header and the rows; return its bytes."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(path, header, rows, **kwargs):
    """Write the workbook to ``path`` (a real file, read back by the test) and return its bytes."""
    data = xlsx_bytes(header, rows, **kwargs)
    path.write_bytes(data)
    return path.read_bytes()
