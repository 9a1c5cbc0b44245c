"""Writing rows on hot paths without compiling the SQL each time.

`Model.objects.create()` builds and compiles an INSERT for every call; on the claim path
(point-of-sale systems and bulk files file claims one transaction at a time) that compiling
was most of the time spent. `RowWriter` builds each statement once per model and database
vendor from the model's own fields, so `models.py` stays the only description of the
schema, and prepares every value with the field's own `get_db_prep_save` (so encryption,
JSON and decimals behave exactly as through the ORM). It runs on Django's connection, inside
Django's transaction. There are no signals for business logic in Gemcare, so skipping
`save()` skips nothing. See docs/decisions/0007-compiled-rows-on-hot-paths.md.
"""

from collections.abc import Sequence

from django.db import connections, models
from django.db.models import AutoField, BigAutoField
from django.utils import timezone


class RowWriter:
    def __init__(self, model: type[models.Model], *, using: str = "default") -> None:
        self.model = model
        self.using = using
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if not isinstance(field, AutoField | BigAutoField)
        ]
        self._statements: dict[tuple[str, int], str] = {}
        self._read_fields: list[str] = []
        self._read_statements: dict[str, tuple] = {}

    def insert(self, **values: object) -> models.Model:
        """Insert one row; returns the model instance, with its primary key, as if loaded."""
        return self.insert_many([values])[0]

    def insert_many(self, rows: Sequence[dict]) -> list[models.Model]:
        if not rows:
            return []
        connection = connections[self.using]
        now = timezone.now()
        params: list[object] = []
        prepared_rows = []
        for values in rows:
            prepared = self._values(values, now)
            prepared_rows.append(prepared)
            params.extend(
                field.get_db_prep_save(prepared[field.attname], connection) for field in self.fields
            )
        with connection.cursor() as cursor:
            cursor.execute(self._insert_sql(connection, len(rows)), params)
            keys = [row[0] for row in cursor.fetchall()]
        return [
            self._instance(prepared, key) for prepared, key in zip(prepared_rows, keys, strict=True)
        ]

    def get_for_update(self, key: object, fields: Sequence[str]) -> models.Model:
        """Read one row, locked for this transaction where the database can lock rows.

        Values pass through the same converters as a queryset's (decimals on SQLite, field
        decryption), so the instance is what `select_for_update().only(...).get()` returns.
        """
        connection = connections[self.using]
        statement = self._read_statements.get(connection.vendor)
        if statement is None:
            statement = self._read_statements[connection.vendor] = self._read_sql(connection)
        sql, columns, converters = statement
        if not set(fields) <= set(columns):
            raise ValueError(f"get_for_update reads {columns}, not {list(fields)}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(f"No {self.model.__name__} {key!r}.")
        values = [
            _convert(value, column_converters, connection)
            for value, column_converters in zip(row, converters, strict=True)
        ]
        return self.model.from_db(self.using, columns, values)

    def reading(self, *fields: str) -> "RowWriter":
        """Name the fields `get_for_update` reads (the primary key is always read)."""
        # In the model's field order: that is the order `Model.from_db` takes values in.
        wanted = {self.model._meta.pk.attname, *fields}
        self._read_fields = [
            field.attname for field in self.model._meta.concrete_fields if field.attname in wanted
        ]
        unknown = wanted - set(self._read_fields)
        if unknown:
            raise ValueError(f"{self.model.__name__} has no field {sorted(unknown)[0]!r}")
        self._read_statements = {}
        return self

    def _read_sql(self, connection):
        quote = connection.ops.quote_name
        meta = self.model._meta
        fields = [meta.get_field(name) for name in self._read_fields]
        columns = ", ".join(quote(field.column) for field in fields)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        table, key = quote(meta.db_table), quote(meta.pk.column)
        sql = f"SELECT {columns} FROM {table} WHERE {key} = %s{lock}"
        converters = []
        for field in fields:
            column = field.get_col(meta.db_table)
            converters.append(
                (
                    column,
                    connection.ops.get_db_converters(column) + field.get_db_converters(connection),
                )
            )
        return sql, [field.attname for field in fields], converters

    def update(self, key: object, **values: object) -> None:
        """UPDATE the named columns of one row (`field=value`, by attribute name)."""
        connection = connections[self.using]
        fields = [self.model._meta.get_field(name) for name in values]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(self.model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(self.model._meta.pk.column)} = %s"
        )
        params = [field.get_db_prep_save(values[field.name], connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, key])

    def _values(self, values: dict, now) -> dict:
        prepared = {}
        for field in self.fields:
            if field.attname in values:
                prepared[field.attname] = values[field.attname]
            elif field.name in values:
                value = values[field.name]
                prepared[field.attname] = value.pk if isinstance(value, models.Model) else value
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                prepared[field.attname] = now
            else:
                prepared[field.attname] = field.get_default()
        unknown = set(values) - {f.attname for f in self.fields} - {f.name for f in self.fields}
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {sorted(unknown)[0]!r}")
        return prepared

    def _insert_sql(self, connection, count: int) -> str:
        key = (connection.vendor, count)
        sql = self._statements.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in self.fields)
            row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            sql = (
                f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * count)} "
                f"RETURNING {quote(self.model._meta.pk.column)}"
            )
            self._statements[key] = sql
        return sql

    def _instance(self, prepared: dict, key: object) -> models.Model:
        instance = self.model(**prepared)
        instance.pk = key
        instance._state.adding = False
        instance._state.db = self.using
        return instance


def _convert(value, column_converters, connection):
    column, converters = column_converters
    for converter in converters:
        value = converter(value, column, connection)
    return value
