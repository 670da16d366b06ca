"""Plain INSERT, UPDATE and DELETE statements for large writes (the list importer, stored plans).

Django's ``bulk_create`` builds a model instance per row and compiles each batch anew; for a
40,000-row list that costs seconds. Here each statement is built once and rows stream through
it (see ``InsertStatement`` for the method per backend). Values pass through the backend's own
adapters for dates, decimals and JSON, so the stored data is what ``save()`` would store. No
model signals are sent.
"""

from django.db import connection, models

# Rows per INSERT statement or executemany batch at most.
MAX_ROWS_PER_INSERT = 1000
UPDATE_BATCH_SIZE = 2000


def _adapter(field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return None


class _Statement:
    def __init__(self, model, field_names, prepared=()):
        fields = [model._meta.get_field(name) for name in field_names]
        # Columns in ``prepared`` already hold database values (for example a timestamp adapted once).
        self.adapters = [
            (position, adapter)
            for position, field in enumerate(fields)
            if field_names[position] not in prepared and (adapter := _adapter(field))
        ]
        self.quote = connection.ops.quote_name
        self.table = self.quote(model._meta.db_table)
        self.columns = [self.quote(field.column) for field in fields]

    def adapt(self, row):
        if not self.adapters:
            return row
        row = list(row)
        for position, adapter in self.adapters:
            if row[position] is not None:
                row[position] = adapter(row[position])
        return row


class InsertStatement(_Statement):
    """An INSERT of named fields of one model, written the fastest way the backend offers.

    * PostgreSQL: ``COPY ... FROM STDIN``, streamed through psycopg.
    * SQLite: multi-row ``INSERT ... VALUES`` with as many rows as 999 parameters allow, run on
      the driver's own connection, because Django's SQLite cursor rewrites every %s to ? with a
      regular expression, a noticeable share of the import for tens of thousands of rows.
    * Other backends: ``executemany`` through Django's cursor.

    All three run in the caller's connection and transaction and bypass Django's query log.
    """

    def __init__(self, model, field_names, prepared=()):
        super().__init__(model, field_names, prepared)
        self.width = len(field_names)
        self.prefix = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES "

    def execute(self, rows):
        """Insert ``rows`` (tuples in field order); return the number of rows inserted."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                return self._copy(cursor, rows)
            if connection.vendor == "sqlite":
                return self._multirow(connection.connection.execute, rows, "?")
            sql = self.prefix + "(" + ", ".join(["%s"] * self.width) + ")"
            batch, count = [], 0
            for row in rows:
                batch.append(self.adapt(row))
                count += 1
                if len(batch) >= MAX_ROWS_PER_INSERT:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
            return count

    def _copy(self, cursor, rows):
        count = 0
        with cursor.cursor.copy(f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(self.adapt(row))
                count += 1
        return count

    def _multirow(self, run, rows, marker):
        limit = connection.features.max_query_params or 65535
        per_statement = max(1, min(MAX_ROWS_PER_INSERT, limit // self.width))
        placeholder = "(" + ", ".join([marker] * self.width) + ")"
        full_sql = self.prefix + ", ".join([placeholder] * per_statement)
        batch, count = [], 0
        for row in rows:
            batch.extend(self.adapt(row))
            count += 1
            if count % per_statement == 0:
                run(full_sql, batch)
                batch = []
        if batch:
            run(self.prefix + ", ".join([placeholder] * (count % per_statement)), batch)
        return count


class UpdateStatement(_Statement):
    """An UPDATE of named fields by primary key; each row ends with the pk."""

    def __init__(self, model, field_names, prepared=()):
        super().__init__(model, [*field_names, model._meta.pk.name], prepared)
        assignments = ", ".join(f"{column} = %s" for column in self.columns[:-1])
        self.statement = f"UPDATE {self.table} SET {assignments} WHERE {self.columns[-1]} = %s"

    def execute(self, rows):
        """Update one row per tuple; return the number of tuples."""
        count = 0
        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(self.adapt(row))
                count += 1
                if len(batch) >= UPDATE_BATCH_SIZE:
                    cursor.executemany(self.statement, batch)
                    batch = []
            if batch:
                cursor.executemany(self.statement, batch)
        return count


def delete_where(model, conditions):
    """Delete the rows whose fields take one of the listed values; return the row count.

    ``conditions`` maps attribute names to value lists; a None list puts no condition on that
    field. The DELETE sends no signals and does not follow foreign keys, so the caller must
    clear or delete the rows that point at these first.
    """
    quote = connection.ops.quote_name
    clauses, params = [], []
    for name, values in conditions.items():
        if values is None:
            continue
        values = list(values)
        column = quote(model._meta.get_field(name).column)
        clauses.append(f"{column} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)
    where = " AND ".join(clauses) or "1 = 1"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}", params)
        return cursor.rowcount
