import datetime
import json

import pytest
import reversion
import time_machine
from django.contrib.auth.models import Permission
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Byline, Status
from articles.workflow import article_publish
from tests.articles.factories import (
    ArticleFactory,
    AuthorFactory,
    PhotoFactory,
    SectionFactory,
    UserFactory,
)
from tests.articles.html import find

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/article/"


@pytest.fixture
def section():
    return SectionFactory(name="News", slug="news")


@pytest.fixture
def writer(client):
    user = UserFactory(groups=["Writers"])
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    user = UserFactory(groups=["Editors"])
    client.force_login(user)
    return user


def form_data(section, **overrides):
    data = {
        "headline": "Ceasefire holds",
        "slug": "ceasefire-holds",
        "kicker": "",
        "dek": "",
        "body": "<p>Quiet night.</p><script>alert(1)</script>",
        "section": section.pk,
        "dateline": "",
        "agency": "",
        "hero_photo": "",
        "hero_caption": "",
        "_workflow": "draft",
        "publish_at_0": "",
        "publish_at_1": "",
        "updated_at_0": "",
        "updated_at_1": "",
        "seo_title": "",
        "seo_description": "",
    }
    for prefix in ("bylines", "corrections"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | overrides


def opened(article) -> dict:
    """The version the story's form, opened now, carries as its hidden field."""
    version = Article.objects.values_list("edit_version", flat=True).get(pk=article.pk)
    return {"opened_version": version}


def answer_confirmation(client, asked, button="_confirmed", **follow):
    """Press Confirm (or Cancel: button="_back") on the page asking before a save: post
    what its form carries, as a browser would."""
    form = find(asked.content, "form", method="post")[-1]
    data: dict[str, list[str]] = {}
    for field in find(asked.content, "input", type="hidden"):
        if field["attrs"]["name"] != "csrfmiddlewaretoken":
            data.setdefault(field["attrs"]["name"], []).append(field["attrs"].get("value", ""))
    pressed = find(asked.content, "button", name=button)[0]["attrs"]["value"]
    return client.post(form["attrs"]["action"], data | {button: pressed}, **follow)


def change_url(article):
    return f"{ADD}{article.pk}/change/"


def errors(response):
    return " ".join(e["text"] for e in find(response.content, "ul", class_="errorlist"))


def test_a_writer_creates_a_sanitised_draft_and_a_version_is_kept(client, writer, section):
    response = client.post(f"{ADD}add/", form_data(section))

    assert response.status_code == 302, errors(response)
    article = Article.objects.get()
    assert article.status == Status.DRAFT
    assert article.created_by == writer
    assert article.body == "<p>Quiet night.</p>"
    assert Version.objects.get_for_object(article).count() == 1


def workflow_buttons(content):
    return [b["text"] for b in find(content, "button", name="_workflow")]


def test_a_writer_is_offered_only_save_draft_and_submit_for_review(client, writer, section):
    page = client.get(f"{ADD}add/").content

    assert workflow_buttons(page) == ["Save draft", "Submit for review"]
    assert not find(page, "select", name="status")


@pytest.mark.parametrize("move", ["publish", "schedule", "update", "unpublish"])
def test_the_server_refuses_a_writer_who_tries_to_publish(client, writer, section, move):
    later = timezone.now() + datetime.timedelta(days=1)
    data = form_data(
        section, _workflow=move, publish_at_0=f"{later:%Y-%m-%d}", publish_at_1="09:00"
    )

    response = client.post(f"{ADD}add/", data)

    assert response.status_code == 200
    assert "Only editors publish" in errors(response)
    assert not Article.objects.exists()


def test_a_writer_cannot_edit_a_published_article(client, writer, section):
    article = ArticleFactory(live=True, section=section, headline="Live story")

    response = client.post(change_url(article), form_data(section, headline="Vandalised"))

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Live story"


def test_a_writer_cannot_run_the_publish_action(client, writer, section):
    draft = ArticleFactory(section=section)

    client.post(ADD, {"action": "publish_selected", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_writer_submits_drafts_for_review(client, writer, section):
    draft = ArticleFactory(section=section)

    client.post(ADD, {"action": "submit_for_review", "_selected_action": [draft.pk]})

    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW


def test_an_editor_publishes_from_the_form(client, editor, section):
    response = client.post(f"{ADD}add/", form_data(section, _workflow="publish"))

    assert response.status_code == 302, errors(response)
    article = Article.objects.get()
    assert article.status == Status.PUBLISHED
    assert article.is_live


def test_ticking_updated_tells_readers_and_a_plain_save_does_not(client, editor, section):
    article = ArticleFactory(live=True, section=section)
    data = form_data(
        section,
        slug=article.slug,
        _workflow="update",
        publish_at_0=f"{article.publish_at:%Y-%m-%d}",
        publish_at_1=f"{article.publish_at:%H:%M:%S}",
    )

    client.post(change_url(article), data | {"dek": "Small fix."} | opened(article))
    article.refresh_from_db()
    assert article.reader_updated_at is None

    client.post(change_url(article), data | {"mark_updated": "on"} | opened(article))
    article.refresh_from_db()
    assert article.reader_updated_at is not None
    dateline = find(client.get(article.get_absolute_url()).content, "p", class_="dateline")[0]
    assert "Updated" in dateline["text"]


def test_publish_now_with_a_future_time_is_refused_at_the_field_not_scheduled(
    client, editor, section
):
    later = timezone.now() + datetime.timedelta(days=2)
    data = form_data(
        section, _workflow="publish", publish_at_0=f"{later:%Y-%m-%d}", publish_at_1="08:30"
    )

    response = client.post(f"{ADD}add/", data)

    assert response.status_code == 200
    field = find(response.content, "div", class_="field-publish_at")[0]["text"]
    assert "Publish now publishes at once" in field
    assert not Article.objects.exists()


def test_scheduling_needs_a_future_time_at_the_field(client, editor, section):
    response = client.post(f"{ADD}add/", form_data(section, _workflow="schedule"))

    field = find(response.content, "div", class_="field-publish_at")[0]["text"]
    assert "To schedule, choose a time in the future." in field
    assert not Article.objects.exists()


def test_publishing_is_refused_with_a_reason_when_the_hero_photo_has_no_credit(
    client, editor, section
):
    photo = PhotoFactory(photographer="", agency="")
    data = form_data(section, _workflow="publish", hero_photo=photo.pk)

    response = client.post(f"{ADD}add/", data)

    assert response.status_code == 200
    assert "The hero photo has no credit" in errors(response)
    assert not Article.objects.exists()


@time_machine.travel(datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_publishing_is_refused_when_the_hero_photo_rights_expired(client, editor, section):
    photo = PhotoFactory(rights_expire_on=datetime.date(2025, 4, 30))
    draft = ArticleFactory(section=section, hero_photo=photo)

    response = client.post(
        change_url(draft),
        form_data(section, slug=draft.slug, _workflow="publish", hero_photo=photo.pk)
        | opened(draft),
    )

    assert "rights to the hero photo expired on 30 April 2025" in errors(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_publish_action_publishes_what_it_may_and_says_why_it_refused_the_rest(
    client, editor, section
):
    fine = ArticleFactory(section=section, hero_photo=PhotoFactory())
    uncredited = ArticleFactory(
        section=section, hero_photo=PhotoFactory(agency="", photographer="")
    )

    response = client.post(
        ADD,
        {"action": "publish_selected", "_selected_action": [fine.pk, uncredited.pk]},
        follow=True,
    )

    fine.refresh_from_db()
    uncredited.refresh_from_db()
    assert fine.status == Status.PUBLISHED
    assert uncredited.status == Status.DRAFT
    text = response.content.decode()
    assert "was not published or scheduled: The hero photo has no credit" in text
    assert "1 article published." in text


def test_the_change_page_offers_a_working_preview_link_for_drafts(client, editor, section):
    draft = ArticleFactory(section=section, headline="Embargoed")

    page = client.get(change_url(draft)).content
    link = next(a["attrs"]["href"] for a in find(page, "a") if a["text"] == "Open preview")
    client.logout()

    response = client.get(link)
    assert response.status_code == 200
    assert find(response.content, "h1")[0]["text"] == "Embargoed"


def test_view_on_site_is_offered_only_for_live_articles(client, editor, section):
    live = ArticleFactory(live=True, section=section)
    draft = ArticleFactory(section=section)

    assert find(client.get(change_url(live)).content, "a", class_="viewsitelink")
    assert not find(client.get(change_url(draft)).content, "a", class_="viewsitelink")


def test_the_form_prefills_the_slug_and_autocompletes_tags_authors_and_photos(client, editor):
    page = client.get(f"{ADD}add/").content.decode()

    script = find(page, "script", id="django-admin-prepopulated-fields-constants")[0]
    prepopulated = json.loads(script["attrs"]["data-prepopulated-fields"])
    assert [(f["name"], f["dependency_list"]) for f in prepopulated] == [("slug", ["headline"])]
    autocompleted = {e["attrs"]["name"] for e in find(page, "select", class_="admin-autocomplete")}
    assert {"tags", "hero_photo", "bylines-__prefix__-author"} <= autocompleted


def test_the_hero_photo_field_shows_a_thumbnail_with_the_credit_line(client, editor, section):
    article = ArticleFactory(section=section, hero_photo=PhotoFactory())

    page = client.get(change_url(article)).content.decode()

    assert "Stringer / AFP" in page
    assert find(page, "img", alt="")


def test_the_article_list_filters_searches_and_browses_by_date(client, editor, section):
    author = AuthorFactory()
    ArticleFactory(live=True, section=section, headline="Ceasefire holds", authors=[author])
    ArticleFactory(section=section, headline="Budget vote")

    response = client.get(
        ADD,
        {
            "q": "ceasefire",
            "status": "published",
            "section__id__exact": section.pk,
            "authors__id__exact": author.pk,
        },
    )

    assert response.status_code == 200
    assert "Ceasefire holds" in response.content.decode()
    assert "Budget vote" not in response.content.decode()
    assert find(client.get(ADD).content, "nav", class_="toplinks")


def test_an_editor_compares_a_version_and_restores_it(client, editor, section):
    client.post(f"{ADD}add/", form_data(section, headline="First headline"))
    article = Article.objects.get()
    client.post(
        change_url(article), form_data(section, headline="Second headline", **opened(article))
    )
    first = Version.objects.get_for_object(article).order_by("pk").first()

    compare = client.get(f"{ADD}{article.pk}/history/{first.pk}/compare/")
    assert compare.status_code == 200
    before = [c["text"] for c in find(compare.content, "td", class_="diff-removed")]
    after = [c["text"] for c in find(compare.content, "td", class_="diff-added")]
    assert (before, after) == (["First headline"], ["Second headline"])

    history = client.get(f"{ADD}{article.pk}/history/").content.decode()
    assert f"{ADD}{article.pk}/history/{first.pk}/compare/" in history
    assert "Compare with previous" in history
    assert client.get(f"{ADD}{article.pk}/history/{first.pk}/").status_code == 200
    client.post(f"{ADD}{article.pk}/history/{first.pk}/")
    article.refresh_from_db()
    assert article.headline == "First headline"


def test_restoring_a_version_of_a_live_story_keeps_its_state_time_url_and_byline(
    client, editor, section
):
    with reversion.create_revision():
        article = ArticleFactory(section=section, headline="Draft headline")
    Byline.objects.create(article=article, author=AuthorFactory(name="Anna"))
    article_publish(article=article, user=editor)
    published_at, url = article.publish_at, article.get_absolute_url()
    first = Version.objects.get_for_object(article).order_by("pk").first()

    response = client.post(f"{ADD}{article.pk}/history/{first.pk}/", follow=True)

    article.refresh_from_db()
    assert (article.status, article.publish_at) == (Status.PUBLISHED, published_at)
    assert article.headline == "Draft headline"
    assert [b.author.name for b in article.bylines.all()] == ["Anna"]
    assert client.get(url).status_code == 200
    assert f"still published at {url}" in response.content.decode()


def test_a_restore_that_would_put_an_uncredited_photo_on_a_live_story_is_refused(
    client, editor, section
):
    with reversion.create_revision():
        article = ArticleFactory(
            section=section, hero_photo=PhotoFactory(photographer="", agency="")
        )
    article.hero_photo = None
    article_publish(article=article, user=editor)
    first = Version.objects.get_for_object(article).order_by("pk").first()

    response = client.post(f"{ADD}{article.pk}/history/{first.pk}/", follow=True)

    article.refresh_from_db()
    assert article.hero_photo is None
    assert "Not restored: The hero photo has no credit" in response.content.decode()


def test_editors_may_delete_and_writers_may_not():
    editor, writer = UserFactory(groups=["Editors"]), UserFactory(groups=["Writers"])

    assert editor.has_perm("articles.delete_article")
    assert not writer.has_perm("articles.delete_article")
    assert Permission.objects.filter(codename="publish_article").exists()


def test_a_save_over_someone_elses_newer_save_is_refused_and_nothing_is_lost(
    client, editor, section
):
    with reversion.create_revision():
        article = ArticleFactory(section=section, headline="Ceasefire holds")
    page = client.get(change_url(article)).content
    started = find(page, "input", name="edited_since")[0]["attrs"]["value"]
    version = find(page, "input", name="opened_version")[0]["attrs"]["value"]
    other = UserFactory(groups=["Editors"], first_name="Anna", last_name="Editor")
    with reversion.create_revision():
        article.headline = "Ceasefire holds, for now"
        article.save()
        reversion.set_user(other)

    response = client.post(
        change_url(article),
        form_data(section, headline="Mine", edited_since=started, opened_version=version),
    )

    assert response.status_code == 200
    assert "Anna Editor saved this story at" in errors(response)
    links = [a for a in find(response.content, "a") if a["text"] == "See what they changed"]
    compare = links[0]["attrs"]["href"]
    changes = client.get(compare)
    assert changes.status_code == 200 and compare.endswith("/compare/")
    headline = [(r["text"], a["text"]) for r, a in zip(
        find(changes.content, "td", class_="diff-removed"),
        find(changes.content, "td", class_="diff-added"), strict=True,
    )]  # fmt: skip
    assert headline == [("Ceasefire holds", "Ceasefire holds, for now")]  # mine, then theirs
    article.refresh_from_db()
    assert article.headline == "Ceasefire holds, for now"
    fresh = client.get(change_url(article)).content
    again = client.post(
        change_url(article),
        form_data(
            section,
            headline="Mine",
            edited_since=find(fresh, "input", name="edited_since")[0]["attrs"]["value"],
            opened_version=find(fresh, "input", name="opened_version")[0]["attrs"]["value"],
        ),
    )
    assert again.status_code == 302


def test_only_editors_choose_the_front_page(client, writer, section):
    client.post(f"{ADD}add/", form_data(section, front_page_position="1"))

    assert Article.objects.get().front_page_position is None
    form = client.get(f"{ADD}add/").content.decode()
    assert "Editors choose the front page." in form


def test_the_photo_lookup_of_the_article_form_lists_the_newest_photos_first(client, editor):
    older, newer = PhotoFactory(caption="Older"), PhotoFactory(caption="Newer")
    PhotoFactory(caption="Unused but newest")
    ArticleFactory(hero_photo=older)
    query = {"app_label": "articles", "model_name": "article", "field_name": "hero_photo"}

    response = client.get("/admin/autocomplete/", query | {"term": "e"})

    assert response.status_code == 200
    listed = [row["id"] for row in response.json()["results"]]
    assert listed[1:] == [str(newer.pk), str(older.pk)]


def test_the_form_runs_in_the_order_editors_work_with_the_bylines_under_the_body(
    client, editor, section
):
    page = client.get(change_url(ArticleFactory(section=section))).content.decode()
    landmarks = [
        'name="headline"', 'name="kicker"', 'name="dek"', 'name="body"', 'id="bylines-group"',
        'name="hero_photo"', 'name="section"', 'name="tags"', 'name="publish_at',
        'id="corrections-group"',
    ]  # fmt: skip

    positions = [page.index(landmark) for landmark in landmarks]

    assert positions == sorted(positions)
    # One control says "updated": the tick box; the time it sets is shown, not edited.
    assert page.count("Show as updated") == 1 and 'name="updated_at' not in page


def test_an_editor_links_an_author_to_a_newsroom_account(client, editor):
    author = AuthorFactory(name="Anna Petrova", slug="anna-petrova")
    anna = UserFactory(username="anna")
    reader = UserFactory(username="reader", is_staff=False)
    url = f"/admin/articles/author/{author.pk}/change/"

    form = client.get(url).content.decode()
    saved = client.post(url, {"name": "Anna Petrova", "slug": "anna-petrova", "user": anna.pk})

    assert f'<option value="{anna.pk}">anna</option>' in form
    assert f'value="{reader.pk}"' not in form  # only newsroom (staff) accounts
    assert saved.status_code == 302
    author.refresh_from_db()
    assert author.user == anna


def test_a_new_story_is_bylined_to_the_author_of_whoever_starts_it(client, writer, section):
    own = AuthorFactory(name="Anna Petrova", slug="anna-petrova", user=writer)
    other = AuthorFactory(name="Ben Okafor", slug="ben-okafor")
    byline = {
        "bylines-TOTAL_FORMS": "1", "bylines-0-author": str(own.pk), "bylines-0-position": "0",
    }  # fmt: skip

    form = client.get(f"{ADD}add/").content
    kept = client.post(f"{ADD}add/", form_data(section) | byline)
    changed = client.post(
        f"{ADD}add/",
        form_data(section, slug="second") | byline | {"bylines-0-author": str(other.pk)},
    )
    cleared = client.post(
        f"{ADD}add/", form_data(section, slug="third") | byline | {"bylines-0-author": ""}
    )

    offered = find(form, "select", name="bylines-0-author")[0]
    assert f'<option value="{own.pk}" selected>Anna Petrova</option>' in form.decode()
    assert offered and not find(form, "select", name="bylines-1-author")
    assert kept.status_code == changed.status_code == cleared.status_code == 302
    bylines = {a.slug: [b.author.name for b in a.bylines.all()] for a in Article.objects.all()}
    assert bylines == {
        "ceasefire-holds": ["Anna Petrova"], "second": ["Ben Okafor"], "third": [],
    }  # fmt: skip


def test_a_story_started_by_someone_without_an_author_has_no_byline_offered(
    client, editor, section
):
    AuthorFactory(name="Anna Petrova", slug="anna-petrova")

    form = client.get(f"{ADD}add/").content

    assert not find(form, "select", name="bylines-0-author")


@pytest.mark.parametrize("started", ["not a time", "2026-03-02T14:02:00"])
def test_a_save_from_a_mangled_form_is_refused_with_a_link_to_the_history(
    client, editor, section, started
):
    article = ArticleFactory(section=section)

    response = client.post(change_url(article), form_data(section, edited_since=started))

    assert response.status_code == 200
    links = [a for a in find(response.content, "a") if a["text"] == "See what they changed"]
    assert links[0]["attrs"]["href"] == f"{ADD}{article.pk}/history/"


def test_the_article_list_names_only_the_chosen_author_in_its_filter(client, editor, section):
    chosen, other = AuthorFactory(name="Ada Reporter"), AuthorFactory(name="Bo Reporter")
    ArticleFactory(section=section, headline="By Ada", authors=[chosen])
    ArticleFactory(section=section, headline="By Bo", authors=[other])

    def sidebar(response):
        return " ".join(e["text"] for e in find(response.content, "nav", id="changelist-filter"))

    everyone = client.get(ADD)
    filtered = client.get(ADD, {"authors__id__exact": chosen.pk})

    # A newsroom has hundreds of authors: the filter does not list them on every page.
    assert "Reporter" not in sidebar(everyone)
    assert "Ada Reporter" in sidebar(filtered) and "Bo Reporter" not in sidebar(filtered)
    assert "By Ada" in filtered.content.decode() and "By Bo" not in filtered.content.decode()
    authors = client.get("/admin/articles/author/").content.decode()
    assert f'href="{ADD}?authors__id__exact={chosen.pk}"' in authors
    for bad in ("abc", "-1", "²", "99999999999999999999", str(other.pk + 100)):
        response = client.get(ADD, {"authors__id__exact": bad})
        assert response.status_code == 200, bad
        assert "By Ada" not in response.content.decode(), bad
