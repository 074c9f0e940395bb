"""The parties of an engagement in Changchun: the city's authority, an enterprise of its
region, a service provider."""

from __future__ import annotations

import pytest

from models import OrgKind
from tests import factories


@pytest.fixture
def people(app_ctx):
    city = factories.organisation(OrgKind.AUTHORITY, region="220100")
    enterprise_org = factories.organisation(region="220102")
    provider = factories.organisation(OrgKind.SERVICE_PROVIDER, region="220100")
    return {
        "authority": factories.user(city, is_org_admin=True),
        "enterprise": factories.user(enterprise_org, is_org_admin=True),
        "expert": factories.user(provider, is_org_admin=True),
        "provider": provider,
        "enterprise_org": enterprise_org,
    }
