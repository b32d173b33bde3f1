"""flask backup create → restore into a fresh database gives back every row of every table."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from support import make_test_app

from webapp.ops import backup


def _demo_database(url: str):
    app = make_test_app(url)
    with app.app_context():
        upgrade()
        from seeds.demo import seed_demo

        seed_demo()
    return app


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_backup_restores_every_table_row_for_row(backend, scratch_databases, tmp_path):
    source = getattr(scratch_databases, backend)("backup_source")
    app = _demo_database(source)
    before = backup.fingerprint(source)
    assert before["candidate"][0] > 0 and before["audit_event"][0] > 0

    result = app.test_cli_runner().invoke(args=["backup", "create", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (path,) = list(tmp_path.iterdir())

    target = getattr(scratch_databases, backend)("backup_target")
    fresh = make_test_app(target)
    result = fresh.test_cli_runner().invoke(args=["backup", "restore", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert backup.fingerprint(target) == before


def test_restore_refuses_a_backup_of_the_other_kind(scratch_databases, tmp_path):
    dump = tmp_path / "arbeidsbro-20260101T000000Z.dump"
    dump.write_bytes(b"PGDMP")
    with pytest.raises(backup.BackupError, match="PostgreSQL dump"):
        backup.restore(dump, scratch_databases.sqlite("backup_kind"))


def test_keep_prunes_all_but_the_newest(tmp_path):
    names = [f"arbeidsbro-2026010{day}T000000Z.sqlite" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / "notes.txt").write_text("kept: not a backup")
    dropped = backup.prune(tmp_path, keep=2)
    assert [p.name for p in dropped] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names[3:], "notes.txt"]
