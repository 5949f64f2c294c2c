"""Paginated lists: Flask-SQLAlchemy's pagination with the page number read from the URL and
bounded, so ``?page=99999999999999999999`` is an empty page, not a database overflow."""
from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination

from core.extensions import db

MAX_PAGE = 100_000


def paginate(query, *, per_page: int) -> Pagination:
    page = request.args.get("page", 1, type=int) or 1
    return db.paginate(query, page=min(max(page, 1), MAX_PAGE), per_page=per_page, error_out=False)
