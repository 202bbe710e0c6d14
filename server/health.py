"""Health check for load balancers and monitoring."""

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.apidoc import doc
from server.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@doc("200 when the database answers, 503 otherwise", auth=False)
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        body = {"status": "error", "database": "unavailable"}
        return jsonify(body), 503
    return jsonify({"status": "ok", "database": "ok"})
