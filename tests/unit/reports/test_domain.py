"""The typed report reads back every snapshot a closed month has stored, unchanged."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from harkat.reports.domain import CONVERSION_NOTE, RATIO_CONVERSION_NOTE, AbsorptionReport

#: November 2026 as closing the month stored it before the report was typed (demo data; two
#: long lists shortened), with a late October loan as an adjustment.
STORED = json.loads((Path(__file__).parent / "closed_2026_11.json").read_text("utf-8"))


def test_a_stored_snapshot_reads_back_to_the_same_json():
    report = AbsorptionReport.from_dict(STORED)
    assert json.dumps(report.to_dict(), ensure_ascii=False, indent=1) == json.dumps(
        STORED, ensure_ascii=False, indent=1
    )  # the same keys in the same order: the frozen JSON file is byte for byte this dump
    assert report.closed is not None and report.closed.at == "2026-12-01T09:00:00+07:00"
    assert [(i.month, i.amount) for i in report.adjustments.items] == [("2026-10", 3_000_000)]
    assert report.median_days[0].from_stage == "registered"
    assert report.funnel_note() is None  # closed: the figures are of one moment
    assert report.conversion_note() == CONVERSION_NOTE


def test_snapshots_from_before_the_funnel_cache_and_shared_conversions_keep_their_form():
    old = copy.deepcopy(STORED)
    del old["funnel_computed_at"]
    for row in old["funnel"]:
        del row["from_previous"]
    report = AbsorptionReport.from_dict(old)
    assert report.to_dict() == old
    assert "from_previous" not in report.to_dict()["funnel"][1]
    assert report.conversion_note() == RATIO_CONVERSION_NOTE


def test_an_open_month_says_when_its_funnel_was_counted():
    open_month = copy.deepcopy(STORED) | {"closed": None}
    open_month["generated_at"] = "2026-11-20T10:15:00+07:00"
    open_month["funnel_computed_at"] = "2026-11-20T10:01:00+07:00"
    note = AbsorptionReport.from_dict(open_month).funnel_note()
    assert note.startswith("Corong, waktu tempuh dan hasil skrining dihitung 20 November 2026")
    open_month["funnel_computed_at"] = "2026-11-20T10:15:30+07:00"  # the same minute
    assert AbsorptionReport.from_dict(open_month).funnel_note() is None


def test_closing_marks_the_same_figures_as_frozen():
    report = AbsorptionReport.from_dict(copy.deepcopy(STORED) | {"closed": None})
    frozen = report.closed_by("2026-12-01T09:00:00+07:00", "Admin Dinas")
    assert frozen.to_dict() == {
        **report.to_dict(),
        "closed": {"at": "2026-12-01T09:00:00+07:00", "by": "Admin Dinas"},
    }
