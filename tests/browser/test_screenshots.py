import os

import pytest

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.pages import visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["home", "article", "support"])
def test_screenshots_of_the_page_on_a_phone_and_a_desktop_are_saved_for_people_to_look_at(
    name, new_context, site
):
    page = new_context(viewport=PHONE).new_page()
    visit(page, site, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.wait_for_load_state("load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls {overflow} px sideways at {viewport['width']} px"
        png = page.screenshot(full_page=True, animations="disabled")
        assert png.startswith(PNG)
        path = SCREENSHOTS / f"{name}-{viewport['width']}.png"
        # Written whole, then renamed: another test run may be writing the same file.
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_bytes(png)
        os.replace(partial, path)
