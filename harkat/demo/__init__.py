"""`flask demo seed`: realistic Kota Jambi data for demos, tests and benchmarks."""


def id_span(column, ids):
    """``column`` within the ids of this demo run: a range, not an IN list (PostgreSQL takes at
    most 65,535 parameters per statement, and demo runs make ids in one contiguous block)."""
    import sqlalchemy as sa

    if not ids:
        return sa.false()
    return column.between(min(ids), max(ids))
