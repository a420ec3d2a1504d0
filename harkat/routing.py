"""URL converters of the application."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter


class RecordId(IntegerConverter):
    """``<int:…>`` in URLs: only ids a database integer can hold, so huge numbers are a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
