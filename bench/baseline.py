"""The baseline of ``make bench``: bare Flask + SQLAlchemy, one indexed query of 50 rows
rendered by a Jinja template — what the framework and database give before any application
logic. Lectern's figures are ratios to this app's, measured in the same run on the same
database."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Giảng viên</title></head><body>
<h1>Giảng viên</h1><table><thead><tr><th>#</th><th>Họ và tên</th><th>Loại</th><th>Học vị</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ loop.index }}</td><td><a href="/lecturers/{{ row.id }}">{{ row.full_name }}</a></td>
<td>{{ row.kind }}</td><td>{{ row.degree }}</td></tr>{% endfor %}</tbody></table></body></html>"""


def _url() -> str:
    url = os.environ["DATABASE_URL"]
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def create_app() -> Flask:
    app = Flask(__name__)
    engine = sa.create_engine(_url())
    lecturer = sa.table("lecturer", sa.column("id"), sa.column("unit_id"), sa.column("full_name"),
                        sa.column("sort_key"), sa.column("kind"), sa.column("degree"))
    query = (sa.select(lecturer.c.id, lecturer.c.full_name, lecturer.c.kind, lecturer.c.degree)
             .order_by(lecturer.c.sort_key).limit(50))  # ix_lecturer_sort_key

    @app.get("/")
    def index():
        with engine.connect() as connection:
            rows = connection.execute(query).all()
        return render_template_string(PAGE, rows=rows)

    return app
