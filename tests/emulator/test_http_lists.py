"""List parameters over real HTTP (query string parsing and BILL's 400s)."""

from __future__ import annotations

from emulator_helpers import error_of


def _seed(api, count):
    resp = api.post("/_emulator/seed/vendors", {"count": count, "namePrefix": "Shop"})
    assert resp.status_code == 200


def test_list_max_zero_is_400(signed_in):
    status, code, message = error_of(signed_in.get("/v3/vendors", max=0))
    assert (status, code) == (400, "BDC_1000")
    assert message == "max: must be between 1 and 100"


def test_list_max_101_is_400(signed_in):
    assert error_of(signed_in.get("/v3/vendors", max=101))[0] == 400


def test_list_follows_next_page_to_the_end(signed_in):
    _seed(signed_in, 7)
    seen, page = [], None
    while True:
        params = {"max": 3, **({"page": page} if page else {})}
        body = signed_in.get("/v3/vendors", **params).json()
        seen += [v["name"] for v in body["results"]]
        page = body.get("nextPage")
        if not page:
            break
    assert seen == [f"Shop {i:05d}" for i in range(1, 8)]


def test_list_misspelt_filter_parameter_is_refused(signed_in):
    status, code, message = error_of(signed_in.get("/v3/vendors", filter='name:eq:"x"'))
    assert (status, code) == (400, "BDC_1001")
    assert message.startswith("filter: unknown parameter")


def test_list_unknown_filter_field_is_refused(signed_in):
    status, code, message = error_of(signed_in.get("/v3/vendors", filters='colour:eq:"red"'))
    assert (status, code) == (400, "BDC_1000")
    assert message.startswith("filters: colour is not a filterable field")


def test_get_with_query_parameter_is_refused(signed_in):
    status, code, message = error_of(signed_in.get("/v3/login/session", sessionId="leak"))
    assert (status, code, message) == (400, "BDC_1001", "sessionId: unknown parameter")
