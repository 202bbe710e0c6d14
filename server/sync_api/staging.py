"""Hold a streamed push's new records aside until their change sequences are known (PostgreSQL).

A push applied while its body arrives (PROTOCOL.md §4.8) builds its new rows long before the
change counter may be taken. Sending 1,000 rows to the server is most of the cost of their
INSERT; they go out while the body still streams in, into a temporary table of the record
table's shape that no other transaction and no query of the push sees. After the last byte one
INSERT … SELECT moves them into the record table with their change sequences: each row is
written to the record table once, in its final state.
"""

import typing
from functools import cache

from sqlalchemy import BigInteger, Column, MetaData, String, Table, bindparam, insert, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from server.records.tables import RecordTable

_METADATA = MetaData()


@cache
def _stage_of(table: RecordTable) -> Table:
    target = typing.cast(Table, table.model.__table__)
    columns = [Column(c.name, c.type, key=c.key) for c in target.columns]
    return Table(f"streamed_{target.name}", _METADATA, *columns)


def stage(session: Session, table: RecordTable, rows: list[dict[str, typing.Any]]) -> None:
    """Write new rows (column values by key) into the record table's staging table."""
    stage_table = _stage_of(table)
    target = typing.cast(Table, table.model.__table__)
    # Per connection, emptied at every commit; a rollback takes its rows (and a new one it).
    session.execute(
        text(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS "{stage_table.name}" '
            f'(LIKE "{target.name}" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS'
        )
    )
    session.execute(insert(stage_table), rows)


def move(session: Session, table: RecordTable, seqs: list[tuple[str, int]]) -> None:
    """Move staged rows into the record table, each with its change sequence (wire_seq too)."""
    stage_table = _stage_of(table)
    target = typing.cast(Table, table.model.__table__)
    names = [c.name for c in target.columns]
    columns = ", ".join(f'"{n}"' for n in names)
    picked = ", ".join("s.seq" if n in ("change_seq", "wire_seq") else f'st."{n}"' for n in names)
    statement = text(
        # Names from the model, not from a request.
        f'INSERT INTO "{target.name}" ({columns}) '  # noqa: S608
        f'SELECT {picked} FROM "{stage_table.name}" AS st '
        "JOIN unnest(:ids, :seqs) AS s(id, seq) ON st.id = s.id ORDER BY s.seq"
    ).bindparams(
        bindparam("ids", type_=ARRAY(String)),
        bindparam("seqs", type_=ARRAY(BigInteger)),
    )
    session.execute(statement, {"ids": [i for i, _ in seqs], "seqs": [s for _, s in seqs]})
