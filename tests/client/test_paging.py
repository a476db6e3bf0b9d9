"""Paging: max always sent, nextPage followed, progress only for long listings."""

import pytest

import billhelpers as bh
from billhelpers.http import paging
from billhelpers.http.response import ApiResponse


def _fake(pages):
    calls = []

    def fetch(*, max, page):
        calls.append((max, page))
        index = 0 if page is None else int(page)
        data = {"results": pages[index]}
        if index + 1 < len(pages):
            data["nextPage"] = str(index + 1)
        return ApiResponse(method="GET", path="/v3/x", status_code=200, reason="OK", data=data)

    return fetch, calls


def test_iter_results_follows_next_page_and_sends_max():
    fetch, calls = _fake([[1, 2], [3, 4], [5]])
    assert list(paging.iter_results(fetch, max=2, progress=False)) == [1, 2, 3, 4, 5]
    assert calls == [(2, None), (2, "1"), (2, "2")]


@pytest.mark.parametrize("bad", [0, 101, "10", 2.5, True])
def test_check_max_rejects_out_of_range(bad):
    with pytest.raises(bh.InputError):
        paging.check_max(bad)


def test_progress_bar_only_for_multi_page(monkeypatch):
    created = []

    class Bar:
        def __init__(self, **kwargs):
            created.append(self)
            self.n = 0

        def update(self, n):
            self.n += n

        def close(self):
            pass

    import tqdm.auto

    monkeypatch.setattr(tqdm.auto, "tqdm", Bar)
    fetch, _ = _fake([[1, 2]])
    assert list(paging.iter_results(fetch, progress=True)) == [1, 2]
    assert created == []
    fetch, _ = _fake([[1, 2], [3]])
    assert list(paging.iter_results(fetch, progress=True)) == [1, 2, 3]
    assert len(created) == 1 and created[0].n == 3
    fetch, _ = _fake([[1, 2], [3]])
    list(paging.iter_results(fetch, progress=False))
    assert len(created) == 1


def test_iter_pages_stops_after_limit_pages():
    fetch, calls = _fake([[1], [2], [3], [4]])
    pages = list(paging.iter_pages(fetch, max=1, limit_pages=2))
    assert [p["results"] for p in pages] == [[1], [2]]
    assert calls == [(1, None), (1, "1")]
