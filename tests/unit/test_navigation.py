"""Each role's menu links every page the role may open from the menu, once, in a few entries."""

from types import SimpleNamespace

import pytest

from app.navigation import (
    ACCOUNT_MENU,
    CLAUSES,
    DASHBOARD,
    NAVIGATION,
    USERS,
    NavGroup,
    NavItem,
    allowed,
    menu_for,
)
from app.security.permissions import permissions_of
from models.user import Role

PEOPLE = [(role, org_admin) for role in Role for org_admin in (False, True)]


def endpoints(entries: list) -> list[str]:
    found = []
    for entry in entries:
        found += (
            [item.endpoint for item in entry.items]
            if isinstance(entry, NavGroup)
            else [entry.endpoint]
        )
    return found


@pytest.mark.parametrize(("role", "org_admin"), PEOPLE)
def test_the_menu_holds_every_page_the_role_may_open_once(role, org_admin):
    granted = permissions_of(SimpleNamespace(role=role, is_org_admin=org_admin))
    shown = endpoints(menu_for(role, granted)) + endpoints([allowed(ACCOUNT_MENU, granted)])
    assert len(shown) == len(set(shown)), shown
    assert set(shown) == {item.endpoint for item in NAVIGATION if item.permission in granted}


@pytest.mark.parametrize(("role", "org_admin"), PEOPLE)
def test_a_few_entries_at_the_top_and_no_dropdown_of_one(role, org_admin):
    granted = permissions_of(SimpleNamespace(role=role, is_org_admin=org_admin))
    entries = menu_for(role, granted)
    assert 1 <= len(entries) <= 7, [getattr(entry, "key", entry) for entry in entries]
    for entry in entries:
        assert isinstance(entry, NavItem) or len(entry.items) >= 2, entry.key


def test_a_group_of_one_page_shows_as_its_link_and_an_empty_one_not_at_all():
    layout = {Role.ADMIN: (DASHBOARD, NavGroup("admin", "Administration", (USERS, CLAUSES)))}
    granted = frozenset({DASHBOARD.permission, CLAUSES.permission})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("app.navigation.MENUS", layout)
        assert menu_for(Role.ADMIN, granted) == [DASHBOARD, CLAUSES]
        assert menu_for(Role.ADMIN, frozenset({DASHBOARD.permission})) == [DASHBOARD]


def test_the_layout_parts_are_kept_under_every_setting_they_show():
    """A setting the layout's kept parts read but their key leaves out would be shown stale
    after it changes."""
    import re
    from pathlib import Path

    from app.navigation import LAYOUT_SETTINGS

    template = Path(__file__).resolve().parents[2] / "app" / "templates" / "_layout.html"
    read = set(re.findall(r"\bconfig\.([A-Z_]+)", template.read_text(encoding="utf-8")))
    assert read and read <= set(LAYOUT_SETTINGS)
