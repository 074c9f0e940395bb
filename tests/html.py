"""Reading the pages a test gets back, as a person reads them."""

from __future__ import annotations

from bs4 import BeautifulSoup


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def error_beside(soup: BeautifulSoup, field_id: str) -> str:
    """The message shown with the field (in its own group: the field macro's wrapper, the
    question's fieldset), or "" when the field is not marked invalid."""
    element = soup.find(id=field_id)
    assert element is not None, f"no field #{field_id} on the page"
    if "is-invalid" not in (element.get("class") or []):
        return ""
    container = element.parent
    for _level in range(3):
        feedback = container.find(class_="invalid-feedback") if container else None
        if feedback is not None:
            return feedback.get_text(strip=True)
        container = container.parent if container else None
    return ""
