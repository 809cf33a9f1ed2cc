"""Pages of a list read newest first, without counting the list.

Django's Paginator counts every row to say "page N of M". On the home page of an archive of
100,000 articles, or the page of a tag on a third of them, that count costs more than the
page itself, and grows with the archive. A reader only needs "Newer" and "Older": each page
reads one row more than it shows to know whether there is an older page.
"""

from django.core.paginator import InvalidPage

# Deeper than any archive: the offset stays a number PostgreSQL accepts.
MAX_PAGE = 100_000


class UncountedPage:
    """One page of a queryset: the same attributes as Django's Page, less the count.

    paginator is None, so templates can tell it from a counted page.
    """

    paginator = None

    def __init__(self, queryset, number, per_page: int):
        self.number = _page_number(number)
        start = (self.number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        if not rows and self.number > 1:
            raise InvalidPage("That page contains no results.")
        self.object_list = rows[:per_page]
        self._has_next = len(rows) > per_page

    def __repr__(self):
        return f"<Page {self.number}>"

    def __len__(self):
        return len(self.object_list)

    def __iter__(self):
        return iter(self.object_list)

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        if not self._has_next:
            raise InvalidPage("That page contains no results.")
        return self.number + 1

    def previous_page_number(self) -> int:
        if self.number <= 1:
            raise InvalidPage("That page number is less than 1.")
        return self.number - 1


def _page_number(number) -> int:
    """The page number as Django's Paginator reads it: a whole number from 1 to MAX_PAGE."""
    try:
        if isinstance(number, float) and not number.is_integer():
            raise ValueError
        number = int(number)
    except (TypeError, ValueError) as error:
        raise InvalidPage("That page number is not an integer.") from error
    if not 1 <= number <= MAX_PAGE:
        raise InvalidPage("No such page.")
    return number
