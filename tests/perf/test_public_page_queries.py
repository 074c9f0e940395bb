"""The most requested page of the system — a certificate's, reached by its QR code — runs one
query for an anonymous visitor, and may be kept by browsers and proxies for a short while."""

from app.extensions import db
from models import CertificateStatus
from tests import factories


def issued(status=None):
    certificate = factories.certificate(factories.Parties(), status)
    db.session.commit()
    return certificate


def test_an_anonymous_visitor_costs_one_query(client, app_ctx, count_queries):
    certificate = issued()
    client.get(f"/certificates/{certificate.number}")  # the process's region names, once
    with count_queries() as counter:
        response = client.get(f"/certificates/{certificate.number}")
    assert response.status_code == 200
    assert "上海市" in response.text  # the region, from the process's copy of the names
    assert counter.count == 1, counter.statements


def test_an_old_qr_code_finds_its_successor_in_the_same_query(client, app_ctx, count_queries):
    old = issued(CertificateStatus.SUPERSEDED)
    client.get(f"/certificates/{old.number}")
    with count_queries() as counter:
        assert client.get(f"/certificates/{old.number}").status_code == 200
    assert counter.count == 1, counter.statements


def test_the_public_page_is_cacheable_and_revalidates_by_etag(client, app_ctx, app):
    certificate = issued()
    response = client.get(f"/certificates/{certificate.number}")
    assert response.cache_control.public
    assert response.cache_control.max_age == app.config["PUBLIC_PAGE_MAX_AGE"]
    assert {"Cookie", "Accept-Language"} <= set(response.vary)
    assert "Set-Cookie" not in response.headers
    tag = response.headers["ETag"]
    again = client.get(f"/certificates/{certificate.number}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and not again.data
    # The language is part of the page: the other language is another tag.
    english = client.get(f"/certificates/{certificate.number}", headers={"Accept-Language": "en"})
    assert english.headers["ETag"] != tag
    # A visitor who chose a language keeps it in a session cookie: their page is their own.
    chosen = client.get(f"/certificates/{certificate.number}?lang=en")
    assert not chosen.cache_control.public and "ETag" not in chosen.headers


def test_a_status_change_gives_a_new_tag(client, app_ctx):
    certificate = issued()
    tag = client.get(f"/certificates/{certificate.number}").headers["ETag"]
    certificate.status = CertificateStatus.SUSPENDED
    db.session.commit()
    response = client.get(f"/certificates/{certificate.number}", headers={"If-None-Match": tag})
    assert response.status_code == 200 and response.headers["ETag"] != tag


def test_a_signed_in_page_is_never_kept(browser, app_ctx):
    parties = factories.Parties()
    certificate = factories.certificate(parties)
    db.session.commit()
    browser.login(parties.enterprise.email, "Correct-Horse-Battery-9")
    response = browser.get(f"/certificates/{certificate.number}")
    assert response.status_code == 200
    assert not response.cache_control.public and "ETag" not in response.headers


def test_the_publicity_list_is_cacheable_and_holds_no_form(client, app_ctx):
    response = client.get("/publicity/")
    assert response.status_code == 200
    assert response.cache_control.public and "ETag" in response.headers
    assert 'name="csrf_token"' not in response.text and "Set-Cookie" not in response.headers
