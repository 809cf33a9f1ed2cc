import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import PAGES, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Axe()


def axe_violations(page) -> list[str]:
    """Run axe-core on the page as it is laid out now; one line per violating element."""
    results = AXE.run(page)
    return [
        f"{page.viewport_size['width']}px {violation['id']} ({violation['impact']}): "
        f"{violation['help']} at {', '.join(map(str, node['target']))}: {node['html'][:160]}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_no_accessibility_violations_on_a_phone_or_a_desktop(name, new_context, site):
    page = new_context(viewport=PHONE).new_page()
    visit(page, site, name)

    violations = axe_violations(page)
    page.set_viewport_size(DESKTOP)
    violations += axe_violations(page)

    assert violations == []
