"""Masking of secrets and bank numbers in data and text."""

from billhelpers.masking import mask, mask_bank_number, mask_secret, scrub_text


def test_mask_secret_keeps_four_characters():
    assert mask_secret("abcdefgh123") == "abcd…"


def test_mask_bank_number_keeps_last_four():
    assert mask_bank_number("123456789") == "…6789"
    assert mask_bank_number("****6789") == "…6789"


def test_mask_nested_structures():
    data = {
        "username": "demo@example.com",
        "password": "demo-password-1",
        "devKey": "01DEMODEVKEY0000000000000000000000",
        "sessionId": "s3ss10n-abcdefghijkl",
        "rememberMeId": "remember-me-1234567",
        "token": "123456",
        "paymentInformation": {
            "bankAccount": {"accountNumber": "000123456789", "routingNumber": "021000021"}
        },
        "results": [{"accountNumber": "987654321"}],
    }
    masked = mask(data)
    text = repr(masked)
    for secret in (
        "demo-password-1",
        "01DEMODEVKEY0000000000000000000000",
        "s3ss10n-abcdefghijkl",
        "remember-me-1234567",
        "123456",
        "000123456789",
        "987654321",
        "021000021",
    ):
        assert secret not in text
    assert masked["username"] == "demo@example.com"
    assert masked["sessionId"] == "s3ss…"
    assert masked["paymentInformation"]["bankAccount"]["accountNumber"] == "…6789"
    assert data["password"] == "demo-password-1"  # the original is untouched


def test_scrub_text_replaces_known_secrets():
    text = scrub_text("bad key 01DEMODEVKEY000000 here", ["01DEMODEVKEY000000"])
    assert "01DEMODEVKEY000000" not in text
    assert "********" in text


def test_mask_token_hides_every_digit():
    assert mask({"token": "274135"}) == {"token": "********"}


def test_mask_password_shows_no_character():
    assert mask({"password": "hunter2-long-passphrase"}) == {"password": "********"}
