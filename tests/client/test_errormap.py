"""BILL's error array → the most specific exception, with a hint."""

import pytest

import billhelpers as bh
from billhelpers.http._errormap import error_from_response


def _body(code, message, category="DOWNSTREAM"):
    return [
        {
            "timestamp": "2026-01-01T00:00:00.000+00:00",
            "code": code,
            "severity": "ERROR",
            "category": category,
            "message": message,
        }
    ]


def test_error_session_expired_str_has_code_message_and_hint():
    err = error_from_response(
        401,
        _body("BDC_1109", "Session is invalid.  Please log in."),
        method="GET",
        path="/v3/vendors",
    )
    assert isinstance(err, bh.SessionError)
    assert str(err).startswith("BDC_1109: Session is invalid.  Please log in. — hint: ")
    assert (err.code, err.http_status, err.category) == ("BDC_1109", 401, "DOWNSTREAM")
    assert (err.method, err.path) == ("GET", "/v3/vendors")


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "BDC_1101", bh.SessionError),
        (400, "BDC_1102", bh.SessionError),
        (403, "BDC_1361", bh.MFAError),
        (404, "BDC_1121", bh.NotFoundError),
        (429, "BDC_1144", bh.RateLimitError),
        (429, "BDC_1322", bh.RateLimitError),
        (500, "BDC_1001", bh.ServerError),
        (400, "BDC_1001", bh.ValidationError),
        (404, "BDC_1004", bh.NotFoundError),
        (400, "BDC_1355", bh.MFAError),
        (400, "BDC_1000", bh.ValidationError),
        (422, "BDC_1152", bh.ValidationError),
        (400, "BDC_9999", bh.ValidationError),
        (404, "BDC_9999", bh.NotFoundError),
        (503, None, bh.ServerError),
        (418, "BDC_9999", bh.BillAPIError),
    ],
)
def test_error_maps_code_or_status_to_class(status, code, cls):
    err = error_from_response(status, _body(code, "msg"))
    assert type(err) is cls
    assert isinstance(err, bh.BillError)


def test_validation_error_is_value_error():
    assert isinstance(error_from_response(400, _body("BDC_9999", "x")), ValueError)


def test_error_non_json_body_keeps_text():
    err = error_from_response(502, "<html>Bad gateway</html>")
    assert isinstance(err, bh.ServerError)
    assert "Bad gateway" in err.message


def test_error_scrub_hides_secrets():
    err = error_from_response(
        400,
        _body("BDC_1102", "key 01DEMODEVKEY0000 invalid"),
        scrub=lambda t: t.replace("01DEMODEVKEY0000", "01DE…"),
    )
    assert "01DEMODEVKEY0000" not in str(err)
    assert "01DEMODEVKEY0000" not in repr(err)


def test_error_keyword_only_fields():
    with pytest.raises(TypeError):
        bh.BillAPIError("m", "BDC_1")  # noqa


def test_wrong_credentials_hint_names_every_sign_in_setting():
    # BILL answers a wrong username/password and an unknown organization id alike (BDC_1101).
    err = error_from_response(
        401, [{"code": "BDC_1101", "message": "User name and/or password do not match."}]
    )
    assert isinstance(err, bh.SessionError)
    for setting in ("BILL_USERNAME", "BILL_PASSWORD", "BILL_ORGANIZATION_ID"):
        assert setting in err.hint
