"""The edition in the PDF: the "What's new since edition N" section the PDF opens with (after the contents).

It is the site's page (:func:`briefgen.render.whatsnew.whatsnew_view`, the same items in the same order) with
each link made for the PDF: an entity or article of the document becomes an internal link with its page
("(p. N)"), one outside a pack an address on the published site (or plain italics without ``site_url``), and a
paragraph a link to that paragraph of the printed article. Every text is data (:class:`Run`), never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from briefgen.load.types import BriefingConfig
from briefgen.model.changes import EditionChanges
from briefgen.render.printdata import Run, first_pages
from briefgen.render.whatsnew import Piece, whatsnew_view

ANCHOR = "whatsnew"
"""The section's anchor (its heading, and its entry in the contents)."""

RUNNING = "What's new"
"""The section's name in the running header."""

Runs = tuple[Run, ...]


@dataclass(frozen=True)
class ChangePieceView:
    """A stretch of a change's line with one role."""

    runs: Runs
    """Its text: linked to where the thing stands in the PDF (with its page), on the site, or plain."""
    style: str
    """``old`` (words replaced or dropped), ``new`` (words that replace them), ``quote`` (quoted words) or ''."""


@dataclass(frozen=True)
class ChangeSectionView:
    """A group of changes of one kind ("New articles", "Facts changed", …)."""

    id: str
    """The group's id, as on the site (``new-articles``)."""
    title: str
    """Its heading."""
    items: tuple[tuple[ChangePieceView, ...], ...]
    """Its changes, each a line of pieces."""


@dataclass(frozen=True)
class WhatsNewView:
    """The "What's new since edition N" section (``d.whatsnew``; absent without an earlier edition)."""

    anchor: str
    """Its anchor, ``whatsnew``."""
    title: str
    """``What's new since edition 1`` (the site page's title)."""
    running: str
    """Its name in the running header."""
    intro: str
    """Which editions are compared and how much changed, or that nothing did."""
    empty: bool
    """Nothing changed: no groups, the intro says so."""
    sections: tuple[ChangeSectionView, ...]
    """The changes by kind, in the site page's order."""


Href = Callable[[str, str | None], str | None]
"""``(page, anchor)`` of the site (``actors/lavrov.md``, ``p3``) → ``#<print anchor>``, an outside address, or None
(the thing is not in this PDF and has no published address)."""


def print_href(
    entity_pages: Mapping[str, str],
    article_pages: Mapping[str, str],
    entity_href: Callable[[str], str | None],
    paragraph_href: Callable[[str, int | None], str | None],
) -> Href:
    """How a site link of "What's new" is resolved in the PDF: an entity's page (and its ``facts``/``quotes``
    part) → the entity's section; an article's page and ``p<n>`` → that paragraph."""

    def href(page: str, anchor: str | None) -> str | None:
        if page in entity_pages:
            return entity_href(entity_pages[page])
        if page in article_pages:
            number = int(anchor[1:]) if anchor and anchor[:1] == "p" and anchor[1:].isdigit() else None
            return paragraph_href(article_pages[page], number)
        return None

    return href


_UNRESOLVED = "\x00"
"""What the link maker gives a thing with a page on the site but no place in this PDF (kept apart from no link)."""


def piece_runs(p: Piece) -> Runs:
    """The runs of a piece: ``#anchor`` an internal link with its page (an entity's also names it for the index),
    an address an outside link, a thing not in the document in italics (as other references outside a pack)."""
    if p.href is None:
        return (Run(p.text),) if p.text else ()
    if p.href == _UNRESOLVED:
        return (Run(p.text, em=True),)
    if p.href.startswith("#"):
        anchor = p.href[1:]
        return (Run(p.text, link=anchor, page=anchor, entity=anchor[4:] if anchor.startswith("ent-") else None),)
    return (Run(p.text, url=p.href),)


def whatsnew_print(
    changes: EditionChanges | None, config: BriefingConfig, href: Href, pack: bool = False
) -> WhatsNewView | None:
    """The section for the PDF, or None when this build is not compared with an earlier edition. Each target's page
    is printed once in the section (later references keep their link). In a ``pack`` it tells the changes of the
    whole briefing, and says how those outside the pack are shown."""
    if changes is None:
        return None

    def link(page: str, anchor: str | None) -> str:
        return href(page, anchor) or _UNRESOLVED

    view = whatsnew_view(changes, config, link)
    sections = tuple(
        ChangeSectionView(
            s.id,
            s.title,
            tuple(tuple(ChangePieceView(piece_runs(p), p.style) for p in item.pieces) for item in s.items),
        )
        for s in view.sections
    )
    intro = view.intro
    if pack and not view.empty:
        intro += (
            " These are the changes of the whole briefing: what is outside this pack links to the briefing online."
            if config.site_url
            else " These are the changes of the whole briefing: what is outside this pack is named in italics."
        )
    return first_pages(WhatsNewView(ANCHOR, view.title, RUNNING, intro, view.empty, sections), {ANCHOR})
