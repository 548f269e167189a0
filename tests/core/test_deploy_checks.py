import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


@pytest.fixture(autouse=True)
def _no_async_unsafe(monkeypatch):
    # Browser tests set it for Playwright; Django's deploy check (rightly) refuses it.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def test_deploy_check_refuses_the_development_keys():
    with pytest.raises(SystemCheckError, match=r"cadulis\.E002"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_deploy_check_passes_with_real_keys(settings):
    settings.SECRET_KEY = "x" * 60
    settings.TOKEN_ENCRYPTION_KEYS = ["2l8cH5vX0Zq3k1n9R4yT6uW8aB7cD0eF1gH2iJ3kL4m="]
    call_command("check", "--deploy", "--fail-level", "ERROR")
