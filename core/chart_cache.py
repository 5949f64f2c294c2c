"""Rendered charts, cached by a key derived from their data, shared by every gunicorn worker:
files under ``instance/chart-cache`` written atomically (temporary file, then ``os.replace``),
or Redis when ``REDIS_URL`` (``LECTERN_REDIS_URL``) is configured and the client is installed.
Each worker also keeps the charts it served last in memory (``RECENT``).

A chart whose data changed gets a new key, so nothing is ever invalidated by hand; old files
are simply no longer read (``prune`` removes the oldest beyond a bound)."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from flask import current_app

from core.memo import DerivedCache

MAX_FILES = 5000
PRUNE_EVERY = 500  # a worker prunes the folder once per this many charts it writes
TTL_SECONDS = 30 * 24 * 3600


class FileCache:
    writes = 0  # charts written by this process (each gunicorn worker counts its own)

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def set(self, key: str, value: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(value)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        FileCache.writes += 1
        if FileCache.writes % PRUNE_EVERY == 0:  # old keys are never read again: keep the folder bounded
            self.prune()

    def prune(self, keep: int | None = None) -> int:
        keep = MAX_FILES if keep is None else keep
        files = sorted((p for p in self.directory.glob("*/*") if p.is_file()), key=lambda p: p.stat().st_mtime)
        stale = files[:-keep] if len(files) > keep else []
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)


class RedisCache:
    clients: dict[str, object] = {}  # one client (and its connection pool) per URL, not one per request

    def __init__(self, url: str) -> None:
        import redis  # optional dependency

        if url not in RedisCache.clients:
            RedisCache.clients[url] = redis.Redis.from_url(url)
        self.client = RedisCache.clients[url]

    def get(self, key: str) -> bytes | None:
        return self.client.get(f"lectern:chart:{key}")

    def set(self, key: str, value: bytes) -> None:
        self.client.set(f"lectern:chart:{key}", value, ex=TTL_SECONDS)


def chart_cache():
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            return RedisCache(url)
        except ImportError:
            current_app.logger.warning("REDIS_URL is set but the redis client is not installed; using files")
    return FileCache(current_app.config["CHART_CACHE_FOLDER"])


# A key names the chart's data, so its bytes never change: a worker may keep them (about 32 × 60 kB).
RECENT = DerivedCache[bytes](size=32)


def cached(key: str, render: Callable[[], bytes]) -> tuple[bytes, bool]:
    """The cached bytes for ``key``, rendering and storing them when absent; also whether they
    came from a cache."""
    value = RECENT.get(key)
    if value is not None:
        return value, True
    cache = chart_cache()
    value = cache.get(key)
    hit = value is not None
    if not hit:
        value = render()
        cache.set(key, value)
    RECENT.put(key, value)
    return value, hit
