"""
billhelpers.http.paging
~~~~~~~~~~~~~~~~~~

Follows BILL's ``nextPage`` tokens through a listing, always sending ``max``.

Why send ``max`` every time: BILL's pages disagree on the default page size (20 or 100), so a
listing that relies on it silently changes length between environments. Why the progress bar
appears only from the second page on: a one-page listing is instant and a bar would only add
noise to the notebook's output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from billhelpers.exceptions import InputError

MAX_PAGE_SIZE = 100


def check_max(max_: int) -> int:
    """BILL accepts 1..100 (0 and 101 are HTTP 400)."""
    if isinstance(max_, bool) or not isinstance(max_, int) or not 1 <= max_ <= MAX_PAGE_SIZE:
        raise InputError(
            f"max={max_!r} is out of range",
            field="max",
            hint=f"use a whole number from 1 to {MAX_PAGE_SIZE}",
        )
    return max_


def iter_pages(
    fetch: Callable,
    *,
    max: int = MAX_PAGE_SIZE,
    page: str | None = None,
    limit_pages: int | None = None,
) -> Iterator:
    """Yield each page's :class:`~billhelpers.http.response.ApiResponse`: ``fetch(max=, page=)`` is
    called with the previous answer's ``nextPage`` until there is none, or ``limit_pages``
    pages were read (the payment look-up scans only the newest pages)."""
    check_max(max)
    count = 0
    while True:
        resp = fetch(max=max, page=page)
        yield resp
        count += 1
        page = resp.get("nextPage")
        if not page or (limit_pages is not None and count >= limit_pages):
            return


def iter_results(
    fetch: Callable, *, max: int = MAX_PAGE_SIZE, progress: bool = True, desc: str = "records"
) -> Iterator[dict]:
    """Yield every record of every page, with a tqdm bar once a second page is needed."""
    bar = None
    try:
        for number, resp in enumerate(iter_pages(fetch, max=max), start=1):
            results = resp.get("results") or []
            if bar is None and progress and number == 1 and resp.get("nextPage"):
                from tqdm.auto import tqdm  # lazy: tqdm.auto may pull in ipywidgets

                bar = tqdm(desc=desc, unit=" rec", leave=False)
            if bar is not None:
                bar.update(len(results))
            yield from results
    finally:
        if bar is not None:
            bar.close()
