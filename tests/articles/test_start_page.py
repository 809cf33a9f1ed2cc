import datetime

import pytest
from django.utils import timezone

from articles.workflow import article_submit_for_review
from tests.articles.factories import ArticleFactory, PhotoFactory, UserFactory
from tests.articles.html import find

pytestmark = pytest.mark.django_db


def section_rows(content, title):
    """Return the rows' text of the start page's table under the given heading."""
    html = content.decode()
    start = html.index(f">{title}</h2>")
    end = html.find("</section>", start)
    return [row["text"] for row in find(html[start:end], "tr")][1:]


def test_the_start_page_lists_what_an_editor_needs_each_row_one_click_to_the_story(client):
    writer = UserFactory(groups=["Writers"], first_name="Anna", last_name="Writer")
    editor = UserFactory(groups=["Editors"])
    submitted = ArticleFactory(headline="Border talks", created_by=writer)
    article_submit_for_review(article=submitted, user=writer)
    ArticleFactory(headline="My own draft", created_by=editor)
    ArticleFactory(headline="Somebody else's draft", created_by=writer)
    later = timezone.now() + datetime.timedelta(days=1)
    ArticleFactory(headline="Tomorrow's story", status="scheduled", publish_at=later)
    ArticleFactory(headline="Out already", live=True)
    PhotoFactory(
        caption="Expiring photo", rights_expire_on=timezone.localdate() + datetime.timedelta(5)
    )
    PhotoFactory(
        caption="Lasting photo", rights_expire_on=timezone.localdate() + datetime.timedelta(60)
    )
    client.force_login(editor)

    page = client.get("/admin/")

    assert page.status_code == 200
    drafts = section_rows(page.content, "My drafts")
    assert len(drafts) == 1 and "My own draft" in drafts[0]
    review = section_rows(page.content, "In review")
    assert len(review) == 1 and "Border talks" in review[0] and "Anna Writer" in review[0]
    assert "Tomorrow's story" in section_rows(page.content, "Scheduled")[0]
    assert "Out already" in section_rows(page.content, "Recently published")[0]
    photos = section_rows(page.content, "Photo rights ending within 14 days")
    assert len(photos) == 1 and "Expiring photo" in photos[0]
    links = {a["attrs"]["href"] for a in find(page.content, "a")}
    assert f"/admin/articles/article/{submitted.pk}/change/" in links
    assert "/admin/axes/accesslog/" not in links


def test_a_writer_pressing_submit_for_review_is_recorded_as_the_submitter(client):
    from tests.articles.factories import SectionFactory
    from tests.articles.test_admin import form_data

    writer = UserFactory(groups=["Writers"])
    client.force_login(writer)
    section = SectionFactory(name="News", slug="news")

    client.post("/admin/articles/article/add/", form_data(section, _workflow="review"))

    from articles.models import Article

    article = Article.objects.get()
    assert article.submitted_by == writer and article.submitted_at is not None
