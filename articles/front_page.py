"""The front page's line-up: the live stories editors placed, by position (1 is the lead).

The rule of positions: a story placed at a position another live story holds takes it, and
the holder moves down one, with those right after it as far as positions are taken (1, 2, 3
become 2, 3, 4; a gap stops it). The Front page screen reorders by writing 1, 2, 3… in the
new order. A story scheduled into a position takes it when it goes live, ahead of any story
holding it then (the home page puts the newer first). Stories without a position follow by
time. Each change is a save of the story, so its pages and the home page go stale as with
any save (articles.signals), and its edit version moves on.
"""

from dataclasses import dataclass

import reversion
from django.db import transaction

from articles.models import Article

LEAD = 1
LAST = 999  # the highest position the form takes: room to move stories down below it


@dataclass(frozen=True)
class Shift:
    """A story the line-up moves: from one position to another (None: off the front page)."""

    article: Article
    was: int | None
    to: int | None


def front_page_lineup(*, lock: bool = False) -> list[Article]:
    """Return the live stories with a position, in the home page's order."""
    placed = Article.objects.front_page().filter(front_page_position__isnull=False)
    if lock:
        placed = placed.select_for_update(of=("self",))
    return list(placed.select_related("section", "hero_photo"))


def front_page_next(*, count: int = 5) -> list[Article]:
    """Return the live stories that follow the line-up on the home page, by time."""
    following = Article.objects.front_page().filter(front_page_position__isnull=True)
    return list(following.select_related("section", "hero_photo")[:count])


def front_page_room(*, article: Article, lock: bool = False) -> list[Shift]:
    """Return the stories that move down when this story goes live at its position."""
    position = article.front_page_position
    if not position:
        return []
    taken, shifts = position, []
    others = [a for a in front_page_lineup(lock=lock) if a.pk != article.pk]
    for other in others:
        if other.front_page_position < position:
            continue
        if other.front_page_position > taken:
            break
        taken += 1
        shifts.append(Shift(article=other, was=other.front_page_position, to=taken))
    return shifts


@transaction.atomic
def front_page_make_room(*, article: Article, user) -> list[Shift]:
    """Move down the stories holding the story's position (the rule above); return them."""
    shifts = front_page_room(article=article, lock=True)
    for shift in shifts:
        _place(shift.article, shift.to, user=user, why=f"“{article.headline}” took its place")
    return shifts


class NotInLineup(Exception):
    pass


@transaction.atomic
def front_page_move(*, article_id: int, by: int, user) -> list[Shift]:
    """Move a story of the line-up up (by=-1) or down (by=+1); number the line-up anew."""
    lineup = front_page_lineup(lock=True)
    index = _index(lineup, article_id)
    other = index + by
    if other < 0 or other >= len(lineup):
        return []
    lineup[index], lineup[other] = lineup[other], lineup[index]
    return _renumber(lineup, user=user)


@transaction.atomic
def front_page_take_off(*, article_id: int, user) -> list[Shift]:
    """Take a story off the line-up (it follows by time); number the rest anew."""
    lineup = front_page_lineup(lock=True)
    article = lineup.pop(_index(lineup, article_id))
    return [_shift(article, None, user=user), *_renumber(lineup, user=user)]


@transaction.atomic
def front_page_add(*, article_id: int, user) -> list[Shift]:
    """Put a live story without a position at the end of the line-up."""
    lineup = front_page_lineup(lock=True)
    article = Article.objects.published().select_for_update().filter(pk=article_id).first()
    if article is None or article.front_page_position is not None:
        raise NotInLineup("That story is not live, or is already on the front page.")
    return [*_renumber(lineup, user=user), _shift(article, len(lineup) + 1, user=user)]


def _index(lineup: list[Article], article_id: int) -> int:
    for index, article in enumerate(lineup):
        if article.pk == article_id:
            return index
    raise NotInLineup("That story is no longer on the front page: it was moved meanwhile.")


def _renumber(lineup: list[Article], *, user) -> list[Shift]:
    return [
        _shift(article, position, user=user)
        for position, article in enumerate(lineup, start=1)
        if article.front_page_position != position
    ]


def _shift(article: Article, to: int | None, *, user) -> Shift:
    shift = Shift(article=article, was=article.front_page_position, to=to)
    _place(article, to, user=user, why="the front page was rearranged")
    return shift


def _place(article: Article, position: int | None, *, user, why: str) -> None:
    article.front_page_position = position
    where = f"position {position}" if position else "off the line-up"
    with reversion.create_revision():
        article.save(update_fields=["front_page_position", "modified_at"])
        reversion.set_user(user)
        reversion.set_comment(f"Front page: {where} ({why})")
