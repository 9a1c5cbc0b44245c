"""Reads and inserts on hot paths without compiling a query each time.

A queryset builds and compiles its SQL on every evaluation; on the partner API's hot paths
(the key of every request, the idempotency key of every sale) that compiling cost more than
the database's answer. `CompiledRead` writes its SELECT once per database vendor, from the
models' own table and column names, and converts each column through its model field's
converters, so values come back exactly as a queryset gives them (decimals on SQLite,
datetimes, JSON, decrypted fields).

`CompiledInsert` is `gemcare.common.rows.RowWriter` made leaner: it returns ids (and builds
an instance only when asked), and prepares through the field only the values whose column
needs it (decimals, dates and times, JSON, encrypted text); text, numbers, booleans and ids
go to the driver as they are. `InsertChain` writes several such inserts whose rows name each
other's ids in one statement on PostgreSQL: the quote with its lines and offers, the sale with
its holder, history and audit entries (docs/decisions/0007-compiled-rows-on-hot-paths.md,
0021-api-hot-path.md).
"""

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import IntegrityError, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import fields as plain
from django.utils import timezone

# psycopg turns a statement's %s placeholders into $1, $2… with a regular expression, and
# keeps the result only for statements under 4 KB and 50 parameters. The sale's one statement
# has about 80 parameters, so every sale converted it afresh (about 0.2 ms of the worker's CPU, a
# tenth of the sale's own). The limits are psycopg's module constants: raised here, for the
# statements built in this module, which repeat verbatim; a psycopg without them is left as
# it is (docs/decisions/0021-api-hot-path.md).
STATEMENT_CACHE_LIMITS = {"MAX_CACHED_STATEMENT_LENGTH": 16_384, "MAX_CACHED_STATEMENT_PARAMS": 256}


def psycopg_statement_cache_widen() -> None:
    try:
        from psycopg import _queries
    except ImportError:
        return
    for name, limit in STATEMENT_CACHE_LIMITS.items():
        if isinstance(getattr(_queries, name, None), int):
            setattr(_queries, name, max(limit, getattr(_queries, name)))


psycopg_statement_cache_widen()

SqlOf = Callable[[BaseDatabaseWrapper], str]
"""Writes the statement for a connection (its vendor, its `ops.quote_name`); `%s` marks each
parameter."""


class CompiledRead:
    def __init__(
        self, sql_of: SqlOf, fields: Sequence[models.Field | None], *, using: str = "default"
    ) -> None:
        """`fields`: the model field of each column of the result, in order; None for a
        column read as the database gives it (a count, a lock's answer)."""
        self.sql_of = sql_of
        self.fields = list(fields)
        self.using = using
        self._compiled: dict[str, tuple[str, list]] = {}

    def fetchone(self, params: Sequence[object]) -> list | None:
        """The first row, its values converted; None if there is none."""
        rows = self._fetch(params, one=True)
        return rows[0] if rows else None

    def fetchall(self, params: Sequence[object]) -> list[list]:
        """Every row, its values converted."""
        return self._fetch(params, one=False)

    def bound(self, params: Sequence[object], *, one: bool = True) -> "BoundRead":
        """This read with its parameters, for `round_trips.reads_together`: what
        `fetchone(params)` (`one`) or `fetchall(params)` will ask for."""
        return BoundRead(self, tuple(params), one)

    def _fetch(self, params: Sequence[object], *, one: bool) -> list[list]:
        connection = connections[self.using]
        sql, converters = self._statement(connection)
        rows = _primed_take(self, connection, params, one)
        if rows is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = [cursor.fetchone()] if one else cursor.fetchall()
        converted = []
        for row in rows:
            if row is None:
                continue
            values = []
            for value, (expression, found) in zip(row, converters, strict=True):
                for converter in found:
                    value = converter(value, expression, connection)
                values.append(value)
            converted.append(values)
        return converted

    def _statement(self, connection) -> tuple[str, list]:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            converters = []
            for field in self.fields:
                if field is None:
                    converters.append((None, []))
                    continue
                expression = field.get_col(field.model._meta.db_table)
                converters.append(
                    (
                        expression,
                        connection.ops.get_db_converters(expression)
                        + field.get_db_converters(connection),
                    )
                )
            sql = self.sql_of(connection)
            compiled = self._compiled[connection.vendor] = (sql, converters)
        return compiled


@dataclass(frozen=True, slots=True)
class BoundRead:
    read: CompiledRead
    params: tuple
    one: bool


# What `gemcare.common.round_trips.reads_together` read ahead, by read and parameters: each
# answers its read once.
primed_reads: ContextVar[dict | None] = ContextVar("gemcare_reads_primed", default=None)


def _primed_take(read: CompiledRead, connection, params: Sequence[object], one: bool):
    primed = primed_reads.get()
    if not primed:
        return None
    try:
        return primed.pop((id(read), connection.alias, tuple(params), one), None)
    except TypeError:  # a parameter that is not hashable (a list): never read ahead
        return None


def model_fields(model: type[models.Model], *names: str) -> tuple[str, ...]:
    """Attribute names in the model's field order: the order `Model.from_db` takes values
    in when only some are read."""
    wanted = set(names)
    ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)
    unknown = wanted - set(ordered)
    if unknown:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)[0]!r}")
    return ordered


def column(model: type[models.Model], name: str, quote: Callable[[str], str]) -> str:
    """A field's column, quoted for the vendor."""
    return quote(model._meta.get_field(name).column)


def table(model: type[models.Model], quote: Callable[[str], str]) -> str:
    return quote(model._meta.db_table)


def constraint_broken(error: IntegrityError, model: type[models.Model], name: str) -> bool:
    """Whether `error` is the violation of `model`'s unique constraint `name` (and not of
    another): PostgreSQL names the constraint, SQLite lists its columns."""
    cause = error.__cause__
    diagnostic = getattr(cause, "diag", None)
    if diagnostic is not None:
        return diagnostic.constraint_name == name
    (constraint,) = [c for c in model._meta.constraints if c.name == name]
    columns = ", ".join(
        f"{model._meta.db_table}.{model._meta.get_field(field).column}"
        for field in constraint.fields
    )
    return str(cause or error).endswith(f"UNIQUE constraint failed: {columns}")


# Fields whose values the driver takes as they are (given the right type: the services'
# typed input). Exact types: a subclass (an encrypted text field) may prepare its value.
_AS_GIVEN = frozenset(
    {
        plain.CharField,
        plain.TextField,
        plain.SlugField,
        plain.EmailField,
        plain.BooleanField,
        plain.IntegerField,
        plain.BigIntegerField,
        plain.SmallIntegerField,
        plain.PositiveIntegerField,
        plain.PositiveSmallIntegerField,
        plain.PositiveBigIntegerField,
        models.ForeignKey,
        models.OneToOneField,
    }
)


class CompiledInsert:
    def __init__(self, model: type[models.Model], *names: str, using: str = "default") -> None:
        """An INSERT of `names` (attribute names, every column without a database default:
        nothing is filled in here), in that order; with no names, every column but the
        primary key, in the model's order (see `insert_instance`)."""
        columns = model._meta.concrete_fields
        whole = tuple(field.attname for field in columns if not field.primary_key)
        names = names or whole
        # `insert_instance` builds the instance from the values in the model's order.
        self._whole = names == whole and columns[0].primary_key
        self.model = model
        self.using = using
        self.fields = [model._meta.get_field(name) for name in names]
        if [field.attname for field in self.fields] != list(names):
            raise ValueError(f"name {model.__name__}'s fields by attribute (`store_id`)")
        missing = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key
            and field not in self.fields
            and field.db_default is models.NOT_PROVIDED
        ]
        if missing:
            raise ValueError(f"{model.__name__} insert leaves out {', '.join(missing)}")
        self._prepared = [
            (index, field)
            for index, field in enumerate(self.fields)
            if type(field) not in _AS_GIVEN
        ]
        self._statements: dict[tuple[str, int], str] = {}

    def insert(self, rows: Sequence[Sequence[object]], *, ids: bool = True) -> list[int]:
        """Insert rows of values (in the order of the names), in one statement; their ids,
        in order. With `ids=False` nothing is read back: an empty list."""
        if not rows:
            return []
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self._sql(connection, len(rows)), self._params(rows, connection))
            return [key for (key,) in cursor.fetchall()] if ids else []

    def insert_instance(self, **given: object) -> models.Model:
        """One row from named values (by attribute name), the others their field's default
        (`auto_now_add` is now): the model instance, as if loaded. Needs every column named
        at construction, in the model's order (the default)."""
        values = self.row(**given)
        (key,) = self.insert([values])
        return self.instance(values, key)

    def row(self, **given: object) -> list:
        """The values of one row from named ones, the others their field's default
        (`auto_now_add` is now). Needs every column named at construction, in the model's
        order (the default)."""
        if not self._whole:
            raise TypeError(f"this insert of {self.model.__name__} does not name every column")
        now = None
        values = []
        for field in self.fields:
            if field.attname in given:
                values.append(given.pop(field.attname))
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                now = now or timezone.now()
                values.append(now)
            else:
                values.append(field.get_default())
        if given:
            raise TypeError(f"{self.model.__name__} has no field {sorted(given)[0]!r}")
        return values

    def instance(self, values: Sequence[object], key: object) -> models.Model:
        """The instance of a row inserted from `row()`'s values, as if loaded."""
        return self.model.from_db(self.using, None, [key, *values])

    def _params(self, rows: Sequence[Sequence[object]], connection) -> list[object]:
        params: list[object] = []
        for row in rows:
            values = list(row)
            for index, field in self._prepared:
                if not isinstance(values[index], Ref):
                    values[index] = field.get_db_prep_save(values[index], connection)
            params.extend(values)
        return params

    def _sql(self, connection, count: int) -> str:
        sql = self._statements.get((connection.vendor, count))
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in self.fields)
            row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            sql = self._statements[(connection.vendor, count)] = (
                f"INSERT INTO {quote(self.model._meta.db_table)} ({columns})"
                f" VALUES {', '.join([row] * count)}"
                f" RETURNING {quote(self.model._meta.pk.column)}"
            )
        return sql


class Ref:
    """In an `InsertChain`'s rows: the id of a row an earlier step inserted (its `row`-th,
    in the order given), or that id as text (`as_text`, for an audit entry's `entity_id`)."""

    __slots__ = ("as_text", "row", "step")

    def __init__(self, step: int, row: int = 0, *, as_text: bool = False) -> None:
        self.step = step
        self.row = row
        self.as_text = as_text


class InsertChain:
    """Several inserts whose rows name the ids of earlier ones (a holder, then the contract
    that names it, then its history; a quote, its lines, their offers): on PostgreSQL one
    statement, each insert a data-modifying `WITH` whose ids the later ones read, so all the
    rows cost one round trip; elsewhere one insert after the other, in a transaction (a
    savepoint inside the caller's). Either way a constraint broken by any of them fails the
    whole chain, and nothing of it is written.

    A step's rows get their ids in the order given (ids come from one sequence, as for
    Django's `bulk_create`), which is how a later row names the `row`-th of them."""

    def __init__(self, *steps: CompiledInsert) -> None:
        self.steps = steps
        self._statements: dict[tuple, str] = {}

    def insert(self, rows_per_step: Sequence[Sequence[Sequence[object]]]) -> list[list[int]]:
        """Each step's rows (a step may have none); each step's ids, in the rows' order."""
        if len(rows_per_step) != len(self.steps):
            raise ValueError("one list of rows per step")
        connection = connections[self.steps[0].using]
        if connection.vendor != "postgresql":
            with transaction.atomic(using=self.steps[0].using):
                return self._one_by_one(rows_per_step)
        # What the statement depends on: where each row refers to which earlier row.
        shape = tuple(
            tuple(
                tuple(
                    (index, value.step, value.row, value.as_text)
                    for index, value in enumerate(row)
                    if isinstance(value, Ref)
                )
                for row in rows
            )
            for rows in rows_per_step
        )
        params: list[object] = []
        for step, rows in zip(self.steps, rows_per_step, strict=True):
            if rows:
                params.extend(
                    value for value in step._params(rows, connection) if not isinstance(value, Ref)
                )
        with connection.cursor() as cursor:
            cursor.execute(self._sql(connection, rows_per_step, shape), params)
            (ids,) = cursor.fetchall()
        return [list(step_ids or ()) for step_ids in ids]

    def _one_by_one(self, rows_per_step) -> list[list[int]]:
        ids: list[list[int]] = []
        for step, rows in zip(self.steps, rows_per_step, strict=True):
            resolved = [[_resolved(value, ids) for value in row] for row in rows]
            ids.append(step.insert(resolved) if resolved else [])
        return ids

    def _sql(self, connection, rows_per_step, shape: tuple) -> str:
        sql = self._statements.get(shape)
        if sql is not None:
            return sql
        quote = connection.ops.quote_name
        parts, results = [], []
        for number, (step, rows) in enumerate(zip(self.steps, rows_per_step, strict=True)):
            if not rows:
                results.append("NULL")
                continue
            values = []
            for row in rows:
                values.append(
                    "(" + ", ".join(_placeholder(value, self.steps, quote) for value in row) + ")"
                )
            columns = ", ".join(quote(field.column) for field in step.fields)
            key = quote(step.model._meta.pk.column)
            parts.append(
                f"step_{number} AS (INSERT INTO {quote(step.model._meta.db_table)} ({columns})"
                f" VALUES {', '.join(values)} RETURNING {key})"
            )
            results.append(f"(SELECT array_agg({key} ORDER BY {key}) FROM step_{number})")
        sql = self._statements[shape] = f"WITH {', '.join(parts)} SELECT {', '.join(results)}"
        return sql


def _placeholder(value: object, steps: Sequence[CompiledInsert], quote) -> str:
    if not isinstance(value, Ref):
        return "%s"
    key = quote(steps[value.step].model._meta.pk.column)
    selected = f"(SELECT {key} FROM step_{value.step} ORDER BY {key}"
    selected += f" LIMIT 1 OFFSET {int(value.row)})" if value.row else " LIMIT 1)"
    return f"CAST({selected} AS text)" if value.as_text else selected


def _resolved(value: object, ids: list[list[int]]) -> object:
    if not isinstance(value, Ref):
        return value
    key = ids[value.step][value.row]
    return str(key) if value.as_text else key
