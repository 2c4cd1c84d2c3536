"""``make bench`` itself keeps working: the harness seeds a small size into a fresh SQLite
database (its tables made from the models), measures every item against its floor and writes
the table and targets."""

import json

from tests.perf import bench


def test_bench_runs_end_to_end(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "")  # always a throwaway SQLite file, even in CI
    out = tmp_path / "bench.json"
    # The tables from the models: the migrations are checked by makemigrations --check and run
    # for real elsewhere (make run, PostgreSQL); here they would be 20 s of state rendering.
    assert bench.main(["--sizes", "40", "--runs", "1", "--out", str(out),
                       "--schema-from-models"]) == 0
    report = json.loads(out.read_text())
    items = report["sizes"][0]["items"]
    assert set(items) >= {"overdue_agency", "overdue_sql", "open_all", "sweep_real",
                          "quarterly_pdf", "quarterly_pdf_floor", "minutes_pdf"}
    assert items["overdue_agency"]["same_rows_as_floor"] is True
    assert items["open_all"]["same_rows_as_floor"] is True
    for row in items.values():
        assert row["median_s"] > 0 and row["sql_median_s"] >= 0
        if row["floor"]:
            assert row["ratio"] > 0
    assert len(report["targets"]) == 8 + 6  # issue 15: six access-log items under 0.5 s
    printed = capsys.readouterr().out
    assert "| Overdue actions, one agency (25 rows) |" in printed and "Targets" in printed
