"""Command-line tools: units import, users, demo data, sync maintenance."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.auth.passwords import hash_password
from server.enums import ROLE
from server.extensions import db
from server.models import Unit, User

units_cli = AppGroup("units", help="Manage the unit tree.")
users_cli = AppGroup("users", help="Manage user accounts.")
sync_cli = AppGroup("sync", help="Maintain what the sync endpoint serves.")
files_cli = AppGroup("files", help="Maintain the stored photos and documents.")


@files_cli.command("prune")
@click.option("--days", type=int, default=None, help="Idle days (FILE_UPLOAD_EXPIRY_DAYS).")
def files_prune(days: int | None) -> None:
    """Remove the chunks of uploads abandoned for longer than the expiry (run daily)."""
    from datetime import timedelta

    from server.files.prune import prune
    from server.files.store import store
    from server.models.types import utcnow

    days = current_app.config["FILE_UPLOAD_EXPIRY_DAYS"] if days is None else days
    if days < 1:
        raise click.ClickException("--days must be at least 1")
    done = prune(db.session, store(), utcnow(), timedelta(days=days))
    click.echo(
        f"{done.files} abandoned files ({done.chunks} chunks) and {done.objects} stray "
        f"objects removed; {done.kept} kept for a record written in the last {days} days; "
        f"{done.leftovers} chunks left with complete files removed"
    )


@sync_cli.command("render")
def sync_render():
    """Render the wire JSON of every record whose text is missing or stale."""
    from server.records import wire

    done = wire.fill(db.session)
    click.echo(f"Rendered {done} records.")


@units_cli.command("import")
def units_import():
    """Load or refresh the official 34 provinces and 3,321 communes."""
    from server.units.official import import_official_units

    result = import_official_units(db.session)
    click.echo(
        f"Đơn vị hành chính (dữ liệu {result.data_version}): {result.provinces} tỉnh/thành, "
        f"{result.communes} xã/phường/đặc khu; tạo mới {result.created}, cập nhật "
        f"{result.updated}, giữ nguyên {result.unchanged}."
    )


@units_cli.command("import-legacy")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--province", default=None, help="Import only the rows inside this unit code.")
def units_import_legacy(file, province):
    """Import pre-2025 units and their successors from a CSV file (docs/UNITS_LEGACY.md)."""
    from server.errors import ApiError
    from server.units.legacy import import_legacy, with_messages

    try:
        result = import_legacy(db.session, file.read(), actor=None, province=province)
    except ApiError as error:
        with_messages(error, "vi")
        for row in error.details.get("rows", []):
            click.echo(
                f"Dòng {row['line']} ({row['code'] or '—'}), cột {row['column']}: "
                f"{row['reason']} — {row['message']}",
                err=True,
            )
        raise click.ClickException(error.body("vi")["error"]["message"]) from None
    click.echo(
        f"Đơn vị cũ: tạo mới {result.created}, cập nhật {result.updated}, giữ nguyên "
        f"{result.unchanged}, bỏ qua {result.skipped} (ngoài đơn vị đã chọn)."
    )


@units_cli.command("legacy-csv")
@click.option("--province", default=None, help="Only the old units now inside this province (40).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
def units_legacy_csv(province, output):
    """Write the pre-2025 units as import-legacy's CSV, from the vietnamadminunits package."""
    from server.units.legacy_source import SourceMissingError, legacy_csv

    try:
        output.write(legacy_csv(province))
    except SourceMissingError as exc:
        raise click.ClickException(f"Cần gói vietnamadminunits: {exc}") from None


def _read_password(prompt: bool) -> str:
    if prompt and sys.stdin.isatty():
        return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        raise click.UsageError("no password on standard input")
    return password


@users_cli.command("create")
@click.argument("username")
@click.option("--full-name", required=True)
@click.option("--unit", "unit_code", required=True, help="Unit code, e.g. 40 or 16681.")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLE)))
@click.option("--position", default=None)
def users_create(username, full_name, unit_code, roles, position):
    """Create a user; the password is read from a prompt or standard input, never argv."""
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise click.BadParameter(f"no unit with code {unit_code}", param_hint="--unit")
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.BadParameter(f"user {username} exists", param_hint="USERNAME")
    password = _read_password(prompt=True)
    if len(password) < 8:
        raise click.BadParameter("password must have at least 8 characters")
    user = User(
        username=username,
        full_name=full_name,
        unit=unit,
        roles=list(roles),
        position=position,
        password_hash=hash_password(password),
        active=True,
    )
    db.session.add(user)
    db.session.commit()
    click.echo(f"Đã tạo người dùng {username} ({', '.join(roles)}) tại {unit.name}.")


@click.command("demo")
def demo_command():
    """Create demo users, units and records (idempotent); refused in production."""
    from server.demo import load_demo

    if current_app.config["ENV"] == "production":
        # The demo accounts, a national administrator among them, share a published password.
        raise click.ClickException(
            "Không nạp dữ liệu mẫu khi APP_ENV=production: tài khoản mẫu dùng mật khẩu công khai. "
            "Demo data refuses to load with APP_ENV=production: its accounts share a public "
            "password."
        )

    summary = load_demo(db.session)
    for line in summary:
        click.echo(line)


@sync_cli.command("import-export")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--admin", "admin_name", required=True, help="The admin the import is audited as.")
def sync_import_export(path: str, admin_name: str) -> None:
    """Apply a phone's sealed export (PROTOCOL.md §13) as an admin, like POST /api/v1/imports."""
    import json

    from server.errors import ApiError
    from server.scope import ADMIN_ROLE
    from server.sealed.keys import server_key
    from server.sealed.service import import_sealed

    admin = db.session.scalar(select(User).where(User.username == admin_name))
    if admin is None or not admin.active or not admin.has_role(ADMIN_ROLE):
        raise click.ClickException(f"{admin_name} is not an active {ADMIN_ROLE}")
    try:
        with open(path, encoding="utf-8") as handle:
            file = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"EXPORT_INVALID: {exc}") from exc
    if not isinstance(file, dict):
        raise click.ClickException("EXPORT_INVALID: not a JSON object")
    key = server_key(current_app.config["EXPORT_KEY_PATH"])
    try:
        done = import_sealed(db.session, admin, key, file)
    except ApiError as exc:
        raise click.ClickException(f"{exc.code}: {exc.details}") from exc
    counts = done["counts"]
    click.echo(
        f"user {done['user_id']} device {done['device_id']}: {counts['applied']} applied, "
        f"{counts['duplicate']} already there, {counts['conflict']} conflicts, "
        f"{counts['rejected']} refused"
    )


def register_cli(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(units_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(sync_cli)
    app.cli.add_command(files_cli)
    app.cli.add_command(demo_command)
