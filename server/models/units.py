"""Administrative and organisational units, a tree of any depth."""

from datetime import date

from sqlalchemy import JSON, BigInteger, Column, Date, ForeignKey, Index, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model, db

unit_successors = Table(
    "unit_successors",
    db.metadata,
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("successor_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(Model):
    """A unit of the tree: central, province, legacy district or office, commune, hamlet."""

    __tablename__ = "units"
    __table_args__ = (Index("ix_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    admin_code: Mapped[str | None] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[str] = mapped_column(String(16))
    type: Mapped[str | None] = mapped_column(String(16))
    admin_kind: Mapped[str | None] = mapped_column(String(24))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Materialised path "/1/7/42/" (own id last): a subtree is one indexed prefix match on
    # both databases, with no recursive query.
    path: Mapped[str] = mapped_column(String(512), default="")
    depth: Mapped[int] = mapped_column(default=0)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    is_border: Mapped[bool] = mapped_column(default=False)
    is_dbkk: Mapped[bool] = mapped_column(default=False)
    # Whether this unit's reviewers must approve the records of the units below it.
    approves_records: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Whether a meeting owned here or below needs its minutes (a BIEN_BAN file) received
    # before it may be approved (PROTOCOL.md §12.3).
    requires_minutes: Mapped[bool] = mapped_column(default=False, server_default=false())
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent")
    successors: Mapped[list["Unit"]] = relationship(
        secondary=unit_successors,
        primaryjoin=id == unit_successors.c.unit_id,
        secondaryjoin=id == unit_successors.c.successor_id,
    )
