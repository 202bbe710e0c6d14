"""The one sync endpoint."""

from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
