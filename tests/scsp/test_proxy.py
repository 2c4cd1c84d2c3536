"""The client's address comes from one trusted-proxy setting, never from a forgeable header;
the same function feeds the lockout, the reset rate limit and the access log."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory, override_settings

from scsp.audit import client_ip as audit_client_ip
from scsp.proxy import TrustedProxyMiddleware, client_ip
from tests.factories import PASSWORD

rf = RequestFactory()


def request(remote="198.51.100.7", xff=None, proto=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    if proto is not None:
        extra["HTTP_X_FORWARDED_PROTO"] = proto
    req = rf.get("/", **extra)
    TrustedProxyMiddleware(lambda r: None)(req)
    return req


def test_by_default_only_remote_addr_counts_and_forwarded_headers_are_dropped():
    req = request(xff="1.2.3.4", proto="https")
    assert client_ip(req) == "198.51.100.7"
    assert "HTTP_X_FORWARDED_FOR" not in req.META
    assert "HTTP_X_FORWARDED_PROTO" not in req.META
    assert not req.is_secure()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_trusted_proxy_the_address_it_saw():
    assert client_ip(request(remote="10.0.0.2", xff="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request(remote="10.0.0.2")) == "10.0.0.2"  # no header: the proxy itself


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies():
    assert client_ip(request(remote="10.0.0.3",
                             xff="6.6.6.6, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_ADDRESSES=["10.0.0.0/24"])
def test_trusted_proxy_addresses():
    via_proxy = request(remote="10.0.0.5", xff="6.6.6.6, 203.0.113.9, 10.0.0.9", proto="https")
    assert client_ip(via_proxy) == "203.0.113.9"
    assert via_proxy.META["HTTP_X_FORWARDED_PROTO"] == "https"
    direct = request(remote="198.51.100.8", xff="203.0.113.9", proto="https")
    assert client_ip(direct) == "198.51.100.8"
    assert "HTTP_X_FORWARDED_PROTO" not in direct.META


def test_garbage_is_not_an_address():
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request(remote="10.0.0.2", xff="<script>")) == "10.0.0.2"


def test_the_access_log_uses_the_same_rule():
    assert audit_client_ip is client_ip


@pytest.mark.django_db
def test_a_forged_header_cannot_dodge_the_lockout(client, wmp_officer, settings):
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        client.post("/accounts/sign-in/", {"username": wmp_officer.email, "password": "no"},
                    REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR=f"10.1.1.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    response = client.post("/accounts/sign-in/",
                           {"username": wmp_officer.email, "password": PASSWORD},
                           REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_the_settings_are_one_or_the_other(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import scsp.settings as module

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    monkeypatch.setenv("TRUSTED_PROXY_ADDRESSES", "10.0.0.1")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(module)
    monkeypatch.delenv("TRUSTED_PROXY_COUNT")
    monkeypatch.delenv("TRUSTED_PROXY_ADDRESSES")
    importlib.reload(module)
