"""The floor for bench/web.py: a bare Flask + SQLAlchemy + Jinja page over the same database.

It renders 50 of the candidates (a page from the middle of the table) in a small HTML table,
with no login, no session check, no translations: what any page of the app costs at least.
Served by gunicorn next to the app: ``gunicorn --chdir bench bare_app:app``.
"""

from __future__ import annotations

import os

from flask import Flask
from jinja2 import Template
from sqlalchemy import create_engine, text

PAGE = Template(
    """<!doctype html><html lang="nb"><head><title>Bare</title></head><body><main>
<h1>Kandidater</h1><table><thead><tr><th>Referanse</th><th>Navn</th><th>Status</th></tr></thead>
<tbody>{% for row in rows %}<tr><td><a href="/k/{{ row.id }}">{{ row.reference_code }}</a></td>
<td>{{ row.display_name }}</td><td>{{ row.status }}</td></tr>{% endfor %}</tbody></table>
</main></body></html>"""
)

engine = create_engine(
    os.environ["BENCH_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
    pool_size=5,
)
app = Flask(__name__)


@app.route("/")
def page():
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM candidate")).scalar()
        rows = conn.execute(
            text(
                "SELECT id, reference_code, display_name, status FROM candidate"
                " ORDER BY id LIMIT 50 OFFSET :offset"
            ),
            {"offset": max(0, total // 2)},
        ).all()
    return PAGE.render(rows=rows)
