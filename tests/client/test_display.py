"""ApiResponse renders like BILL's "Send": request, masked body, status, masked JSON."""

from decimal import Decimal

from billhelpers.http.response import ApiResponse


def _login_response():
    return ApiResponse(
        method="POST",
        path="/v3/login",
        status_code=200,
        reason="OK",
        request_body={
            "username": "demo@example.com",
            "password": "demo-password-1",
            "organizationId": "00801DEMOORG00000001",
            "devKey": "01DEMODEVKEY0000000000000000000000",
        },
        data={
            "sessionId": "abcd1234efgh5678ijkl",
            "organizationId": "00801DEMOORG00000001",
            "userId": "00601DEMOUSER0000001",
            "trusted": False,
        },
    )


def test_repr_shows_request_line_status_and_json():
    text = repr(_login_response())
    lines = text.splitlines()
    assert lines[0] == "POST /v3/login"
    assert "HTTP 200 OK" in lines
    assert '"userId": "00601DEMOUSER0000001"' in text


def test_repr_masks_secrets_in_request_and_response():
    resp = _login_response()
    for rendering in (repr(resp), resp._repr_html_(), resp.to_text()):
        assert "demo-password-1" not in rendering
        assert "01DEMODEVKEY0000000000000000000000" not in rendering
        assert "abcd1234efgh5678ijkl" not in rendering
        assert "abcd…" in rendering


def test_repr_masks_bank_numbers():
    resp = ApiResponse(
        method="GET",
        path="/v3/funding-accounts/banks",
        status_code=200,
        reason="OK",
        data={"results": [{"accountNumber": "123456789"}]},
    )
    assert "123456789" not in repr(resp)
    assert "…6789" in repr(resp)


def test_repr_pretty_uses_text():
    class P:
        def __init__(self):
            self.out = ""

        def text(self, s):
            self.out += s

    p = P()
    _login_response()._repr_pretty_(p, False)
    assert p.out.startswith("POST /v3/login")


def test_query_params_in_request_line():
    resp = ApiResponse(
        method="GET",
        path="/v3/vendors",
        status_code=200,
        reason="OK",
        params={"max": 2, "page": None, "filters": 'name:sw:"Hap"'},
        data={},
    )
    assert resp.request_line() == 'GET /v3/vendors?max=2&filters=name:sw:"Hap"'


def test_dict_access_and_exact_money():
    resp = ApiResponse(
        method="GET",
        path="/v3/bills/x",
        status_code=200,
        reason="OK",
        data={"amount": Decimal("1234567.89")},
    )
    assert resp["amount"] == Decimal("1234567.89")
    assert resp.get("missing", 1) == 1
    assert "amount" in resp
    assert "1234567.89" in repr(resp)


def test_html_escapes_values():
    resp = ApiResponse(
        method="GET",
        path="/v3/vendors/x",
        status_code=404,
        reason="Not Found",
        data={"name": "<script>"},
    )
    assert "<script>" not in resp._repr_html_()


def test_created_and_empty_answers_show_bills_status_line():
    created = ApiResponse(method="POST", path="/v3/vendors", status_code=201, reason="", data={})
    assert created.status_line() == "HTTP 201 Created"  # the standard phrase when none was sent
    deleted = ApiResponse(
        method="DELETE",
        path="/v3/vendors/00901SBX000000000001/bank-account",
        status_code=204,
        reason="No Content",
        data=None,
    )
    assert deleted.ok and len(deleted) == 0 and "id" not in deleted
    assert repr(deleted).splitlines()[-2:] == ["HTTP 204 No Content", "(no body)"]
    assert "(no body)" in deleted._repr_html_()
    try:
        deleted["id"]
    except KeyError as err:
        assert "no body" in str(err)
    else:
        raise AssertionError("an empty answer has no keys")


def test_client_shows_201_and_an_empty_200_from_the_emulator(client):
    made = client.request("POST", "/v3/vendors", json={"name": "Shown", "address": {}})
    assert made.status_line() == "HTTP 201 Created"
    bye = client.request("POST", "/v3/logout")
    assert (bye.status_line(), bye.data) == ("HTTP 200 OK", None)
