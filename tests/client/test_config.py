"""Config: .env + environment variables + code overrides; masked repr."""

import pytest

import billhelpers as bh
from billhelpers.config import BASE_URLS, DEMO_CREDENTIALS, ENV_VARS, Config


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for var in ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_from_env_defaults_to_demo_credentials(clean_env):
    config = Config.from_env()
    assert config.environment == "demo"
    assert config.username == DEMO_CREDENTIALS["username"]
    assert config.organization_id.startswith("008")


def test_from_env_reads_dotenv_from_parent_directory(clean_env, monkeypatch):
    (clean_env / ".env").write_text("BILL_ENVIRONMENT=sandbox\nBILL_USERNAME=me@example.com\n")
    sub = clean_env / "notebooks" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    config = Config.from_env()
    assert config.environment == "sandbox"
    assert config.username == "me@example.com"
    assert config.resolve_base_url() == BASE_URLS["sandbox"]


def test_from_env_real_variables_win_over_dotenv(clean_env, monkeypatch):
    (clean_env / ".env").write_text("BILL_USERNAME=file@example.com\n")
    monkeypatch.setenv("BILL_USERNAME", "env@example.com")
    assert Config.from_env().username == "env@example.com"


def test_from_env_does_not_modify_os_environ(clean_env):
    import os

    (clean_env / ".env").write_text("BILL_MFA_DEVICE=laptop\n")
    assert Config.from_env().mfa_device == "laptop"
    assert "BILL_MFA_DEVICE" not in os.environ


def test_from_env_code_overrides_win(clean_env, monkeypatch):
    monkeypatch.setenv("BILL_ENVIRONMENT", "sandbox")
    config = Config.from_env(environment="production", username="x@example.com")
    assert config.environment == "production"
    assert config.resolve_base_url() == BASE_URLS["production"]


def test_from_env_dotenv_false_skips_file(clean_env):
    (clean_env / ".env").write_text("BILL_ENVIRONMENT=sandbox\n")
    assert Config.from_env(dotenv=False).environment == "demo"


def test_config_unknown_environment_raises_input_error(clean_env):
    with pytest.raises(bh.InputError) as info:
        Config(environment="prod")
    assert info.value.field == "BILL_ENVIRONMENT"
    assert "demo, sandbox, production" in str(info.value)


def test_config_unknown_override_raises_type_error(clean_env):
    with pytest.raises(TypeError):
        Config.from_env(pasword="typo")


def test_config_repr_masks_password_and_dev_key(clean_env):
    config = Config(
        environment="sandbox",
        username="me@example.com",
        password="hunter2-secret",
        organization_id="00801ABCDEFGHIJKLMNO",
        dev_key="01ABCDEFSECRETKEY0123456789",
    )
    text = repr(config)
    assert "hunter2-secret" not in text
    assert "01ABCDEFSECRETKEY0123456789" not in text
    assert "01AB…" in text


def test_config_cache_dir_from_env(clean_env, monkeypatch, tmp_path):
    monkeypatch.setenv("BILL_CACHE_DIR", str(tmp_path / "c"))
    assert Config.from_env().cache_dir == (tmp_path / "c").resolve()


def test_cache_identity_demo_uses_data_dir_not_port(clean_env, tmp_path):
    config = Config(emulator_data_dir=tmp_path / "data")
    assert str((tmp_path / "data").resolve()) in config.cache_identity("http://127.0.0.1:5555")
    assert "5555" not in config.cache_identity("http://127.0.0.1:5555")
