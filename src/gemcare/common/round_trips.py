"""Round trips saved on hot paths: reads known at a path's start made in one, and a
transaction's last insert sent with its COMMIT (docs/decisions/0021-api-hot-path.md). Both
work on the compiled statements of `gemcare.common.statements`, on PostgreSQL; elsewhere
each statement is sent when it is made, as without them."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connections

from gemcare.common.statements import BoundRead, CompiledInsert, primed_reads


@contextmanager
def reads_together(reads: Sequence[BoundRead]) -> Iterator[None]:
    """Make `reads` in one round trip, where they would each have made their own: inside
    the block, each read's `fetchone`/`fetchall` with those parameters answers, once, with
    what the one statement read, and makes no query. A hot path whose reads are known at its
    start (the sale's idempotency claim, its store, the catalog's signature, the webhook
    subscriptions) pays one round trip for them instead of one each.

    On PostgreSQL each read is a `LATERAL` subquery of one SELECT: a single-row read keeps its
    first row (with a marker telling "no row" from a row of NULLs), a read of several rows
    comes back as one array per column (so it may have no array column of its own). The
    reads run in the order given, as they would one after the other, in the caller's
    transaction (so a lock one takes is that transaction's).
    Elsewhere (SQLite, in the process) there is no round trip to save: nothing is read ahead,
    and each read runs when it is asked for."""
    primed = primed_reads.get()
    mine: dict = {}
    if reads:
        connection = connections[reads[0].read.using]
        if connection.vendor == "postgresql":
            mine = _read_together(connection, reads)
    token = primed_reads.set({**(primed or {}), **mine})
    try:
        yield
    finally:
        primed_reads.reset(token)


_TOGETHER_SQL: dict[tuple, str] = {}


def _together_sql(connection, reads: Sequence[BoundRead]) -> str:
    shape = (connection.vendor, *((id(bound.read), bound.one) for bound in reads))
    sql = _TOGETHER_SQL.get(shape)
    if sql is not None:
        return sql
    parts = []
    for number, bound in enumerate(reads):
        inner_sql, _ = bound.read._statement(connection)
        names = [f"c{index}" for index in range(len(bound.read.fields))]
        aliased = f"({inner_sql}) q{number}({', '.join(names)})"
        if bound.one:
            columns = ", ".join(f"q{number}.{name}" for name in names)
            inner = f"SELECT true, {columns} FROM {aliased} LIMIT 1"
        else:
            columns = ", ".join(f"array_agg(q{number}.{name})" for name in names)
            inner = f"SELECT count(*), {columns} FROM {aliased}"
        parts.append(f"LEFT JOIN LATERAL ({inner}) r{number} ON true")
    sql = _TOGETHER_SQL[shape] = f"SELECT * FROM (SELECT 1) together {' '.join(parts)}"
    return sql


def _read_together(connection, reads: Sequence[BoundRead]) -> dict:
    params = [value for bound in reads for value in bound.params]
    with connection.cursor() as cursor:
        cursor.execute(_together_sql(connection, reads), params)
        row = cursor.fetchone()
    primed, start = {}, 1  # the first column is the 1 of `together`
    for bound in reads:
        width = len(bound.read.fields)
        marker, values = row[start], row[start + 1 : start + 1 + width]
        start += 1 + width
        if bound.one:
            rows = [tuple(values)] if marker else []
        else:
            # One aggregation reads the rows once: every column's array in the same order.
            rows = list(zip(*values, strict=True)) if marker else []
        key = (id(bound.read), connection.alias, bound.params, bound.one)
        primed[key] = rows
    return primed


def insert_committing(insert: CompiledInsert, rows: Sequence[Sequence[object]]) -> bool:
    """The last write of a transaction and its COMMIT in one message, where that saves a
    round trip: on PostgreSQL, in the outermost transaction (`transaction.atomic()` with none
    around it) not already marked for rollback, the INSERT and the COMMIT go as one query
    (psycopg's client-side binding, the simple protocol, which takes several statements);
    the transaction's own commit then finds it done and runs its on-commit hooks as usual.
    An error of either (a unique key broken) is raised here, as Django's IntegrityError, and
    the transaction rolls back as after any failed statement. Returns whether it committed;
    elsewhere (SQLite, a transaction inside another) it inserts only, and the transaction
    commits when it ends. Nothing may be written after it in the transaction."""
    if not rows:
        return False
    connection = connections[insert.using]
    outermost = len(connection.atomic_blocks) == 1 and not connection.savepoint_ids
    if connection.vendor != "postgresql" or not outermost or connection.needs_rollback:
        insert.insert(rows, ids=False)
        return False
    from django.db.backends.postgresql.base import Cursor  # client-side binding

    raw = Cursor(connection.connection)
    # Django's own wrapper: its errors, its query log and execute wrappers, as any cursor's.
    if connection.queries_logged:
        cursor = connection.make_debug_cursor(raw)
    else:
        cursor = connection.make_cursor(raw)
    with cursor:
        cursor.execute(
            insert._sql(connection, len(rows)) + "; COMMIT", insert._params(rows, connection)
        )
    return True
