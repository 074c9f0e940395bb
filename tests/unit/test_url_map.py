"""Every endpoint declares who may reach it: @public, @requires(Permission.X), or for the API
a key with a scope (ApiScope)."""

from app.security.permissions import ROLE_PERMISSIONS, Permission, access_of
from models import ApiScope, Role

# Endpoints outside our blueprints that are public by nature.
FRAMEWORK_PUBLIC = {"static"}


def test_every_endpoint_declares_its_access(app):
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in FRAMEWORK_PUBLIC:
            continue
        view = app.view_functions[rule.endpoint]
        if access_of(view) is None:
            undeclared.append(f"{rule.endpoint} ({rule.rule})")
    assert not undeclared, "endpoints without @public or @requires: " + ", ".join(undeclared)


def test_declared_permissions_are_real_permissions(app):
    for rule in app.url_map.iter_rules():
        access = access_of(app.view_functions[rule.endpoint])
        assert access is None or access == "public" or isinstance(access, Permission | ApiScope)


def test_every_role_has_a_permission_set():
    assert set(ROLE_PERMISSIONS) == set(Role)
    # The administrator may do everything but assess or evaluate an organisation: only
    # enterprises do, for themselves; nor read an evaluator's own record (nobody's evaluator).
    # Nor sign an impartiality declaration: they sit on no audit team and decide no review.
    # Nor file a complaint or an appeal: they handle them. Nor apply to a provider pool or rate
    # a provider: only a provider applies, only an enterprise served rates; nor file a reform
    # project: only the enterprise runs its own.
    own_evaluations = {
        Permission.POOL_APPLY,
        Permission.POOL_RATE,
        Permission.REFORM_FILE,
        Permission.ASSESSMENT_FILL,
        Permission.SME_LEVEL_EVALUATE,
        Permission.EVALUATOR_OWN_VIEW,
        Permission.DECLARATION_SIGN,
        Permission.CASES_FILE,
    }
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission) - own_evaluations


def test_mutating_endpoints_are_not_get(app):
    """Sign-out and every state change take POST, so a link or an image cannot trigger them."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in {
            "auth.logout",
            "orgs.set_active",
            "orgs.invite",
            "admin.user_active",
            "admin.outbox_resend",
        }:
            assert "GET" not in rule.methods, rule.endpoint
