"""``flask check`` before a node starts: every problem named in Indonesian, exit 1 on any."""

from __future__ import annotations

from pathlib import Path

from harkat import create_app

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
GOOD_KEY = "k" * 64


def _run(config: dict, *args: str):
    app = create_app(config)
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        from harkat.extensions import db

        with app.app_context():
            db.engine.dispose()


def _config(tmp_path, **overrides) -> dict:
    return {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'node.sqlite3'}",
        "SECRET_KEY": GOOD_KEY,
        "PUBLIC_BASE_URL": "https://harkat.jambikota.go.id",
        "TESTING": True,
        **overrides,
    }


def test_a_ready_node_passes(tmp_path):
    config = _config(tmp_path)
    assert _run(config, "db", "upgrade", "--directory", MIGRATIONS).exit_code == 0
    result = _run(config, "check")
    assert result.exit_code == 0, result.output
    assert "Migrasi: terbaru" in result.output and "HARKAT siap dijalankan." in result.output


def test_every_problem_is_named_and_stops_the_start(tmp_path):
    result = _run(_config(tmp_path, PUBLIC_BASE_URL="", SECRET_KEY="pendek"), "check")
    assert result.exit_code == 1
    assert "Kunci rahasia: terlalu pendek (6 karakter" in result.output
    assert "Migrasi: basis data pada belum bermigrasi" in result.output
    assert "jalankan 'flask db upgrade'" in result.output
    assert "HARKAT_PUBLIC_BASE_URL belum diatur" in result.output
    assert "3 pemeriksaan gagal" in result.output


def test_an_unreachable_database_and_unwritable_storage_stop_the_start(tmp_path):
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    config = _config(
        tmp_path,
        DATABASE_URL="postgresql://postgres@127.0.0.1:1/harkat",
        UPLOAD_DIR=str(blocker / "uploads"),
        PUBLIC_BASE_URL="http://harkat.local",
    )
    result = _run(config, "check")
    assert result.exit_code == 1
    assert "Basis data: tidak dapat dihubungi" in result.output
    assert "Penyimpanan unggahan:" in result.output and "tidak dapat ditulisi" in result.output
    assert "[peringatan] Alamat publik: http://harkat.local bukan HTTPS." in result.output
