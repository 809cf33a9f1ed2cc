import factory

from articles.models import LiveEntry
from tests.articles.factories import ArticleFactory


class LiveEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveEntry

    article = factory.SubFactory(ArticleFactory, live=True, live_blog="open")
    body = factory.Sequence(lambda n: f"<p>Update number {n} from the border.</p>")
