"""A small in-process cache of derived data, keyed by what the data is derived from.

A key must name everything the value is computed from, including a stamp of the rows it
reads (see ``reviews.progress.lecturer_with_stamp``): a change to those rows gives a new key, so
nothing is invalidated by hand and a stale entry is simply never asked for again. What never
changes once made (a published rubric version, ``reviews.queries.frozen_version``) is keyed by
its id alone. Each gunicorn worker keeps its own; the least recently used entries go beyond
``size``."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")
_ALL: list[DerivedCache] = []


def clear_all() -> None:
    """Forget every cached value of this process (tests start each from an empty database)."""
    for cache in _ALL:
        cache.clear()


class DerivedCache(Generic[Value]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()  # the development server serves requests on threads
        _ALL.append(self)

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_compute(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        value = self.get(key)
        if value is None:
            value = compute()  # outside the lock: it reads the database
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
