"""core.memo.DerivedCache: computed once per key, least recently used entries dropped."""
from core.memo import DerivedCache, clear_all


def test_a_value_is_computed_once_per_key_and_the_oldest_go_beyond_the_size():
    cache = DerivedCache[int](size=2)
    calls = []

    def compute(value):
        return lambda: calls.append(value) or value

    assert cache.get_or_compute("a", compute(1)) == 1
    assert cache.get_or_compute("a", compute(99)) == 1  # found: not computed again
    cache.get_or_compute("b", compute(2))
    cache.get_or_compute("a", compute(99))  # "a" used last: "b" is now the oldest
    cache.get_or_compute("c", compute(3))

    assert calls == [1, 2, 3]
    assert len(cache) == 2
    assert cache.get_or_compute("b", compute(4)) == 4  # dropped, so computed again
    clear_all()
    assert len(cache) == 0
