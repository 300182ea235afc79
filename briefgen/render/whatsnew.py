"""The "What's new since edition N" view: the changes of :mod:`briefgen.model.edition`, as sections of items
ready to lay out, each item linked to where it now stands.

The site page (``whatsnew.md``, templates/whatsnew.md.j2) and the PDF read the same view: :func:`whatsnew_view`
takes how to make a link (a relative URL on the site, an anchor in the PDF), and items are made of plain-text
:class:`Piece`\\ s (a link, old or new words, a quotation) that each output escapes and lays out its own way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from briefgen.load.types import BriefingConfig
from briefgen.model.changes import ArticleRef, EditionChanges, EntityRef, FactItem, QuoteItem, SourceRef
from briefgen.render.format import fmt_date

_SPACES = re.compile(r"\s+")
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
"""The only outside addresses an item links to (an earlier manifest's reference URL is not trusted)."""

PAGE = "whatsnew.md"
"""The page's path in the site."""

LinkMaker = Callable[[str, str | None], str]
"""``(page, anchor)`` → the address of that page (e.g. ``actors/lavrov.md``) and anchor in the output."""


@dataclass(frozen=True)
class Piece:
    """A run of an item's text."""

    text: str
    """Plain text (the output escapes it)."""
    href: str | None = None
    """Where it links (where the thing now stands), if anywhere."""
    style: str = ""
    """``old`` (words replaced or dropped), ``new`` (words that replace them), ``quote`` (quoted words) or ''."""


@dataclass(frozen=True)
class ChangeItem:
    """One change, as a line of pieces."""

    pieces: tuple[Piece, ...]
    """Its text, in order."""


@dataclass(frozen=True)
class ChangeSection:
    """A group of changes of one kind."""

    id: str
    """Anchor id, e.g. ``new-articles``."""
    title: str
    """Heading, e.g. ``New articles``."""
    items: tuple[ChangeItem, ...]
    """The changes (never empty: a section without changes is left out)."""


@dataclass(frozen=True)
class WhatsNew:
    """The whole "What's new" section."""

    title: str
    """``What's new since edition 4`` (or since a named edition, or since an unnumbered one's date)."""
    intro: str
    """One sentence: which editions are compared and how much changed (or that nothing did)."""
    empty: bool
    """Nothing changed (then :attr:`sections` is empty and :attr:`intro` says so)."""
    sections: tuple[ChangeSection, ...]
    """The changes by kind, most telling first: articles, facts, figures, quotes, entities, removals."""


def edition_line(config: BriefingConfig) -> str | None:
    """How the edition is named on every page and the PDF cover: ``Edition 5`` or the name as written, with
    ``of <date>`` when its ``edition_date`` is not the ``as_of`` date shown beside it; None when not numbered."""
    if config.edition is None:
        return None
    name = f"Edition {config.edition}" if isinstance(config.edition, int) else config.edition
    if config.edition_date and config.edition_date != config.as_of:
        return f"{name} of {fmt_date(config.edition_date)}"
    return name


def since_title(changes: EditionChanges) -> str:
    """``What's new since edition 4`` / ``since Spring 2027`` / ``since the edition of 13 December 2019``."""
    if changes.since is None:
        return f"What's new since the edition of {fmt_date(changes.since_date)}"
    return f"What's new since {'edition ' if changes.since_number else ''}{changes.since}"


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else words or word + 's'}"


def _summary(c: EditionChanges) -> str:
    parts: list[tuple[int, str, str | None]] = [
        (len(c.new_articles), "new article", None),
        (len(c.revised_articles), "revised article", None),
        (len(c.facts_changed), "fact changed", "facts changed"),
        (len(c.figures), "figure moved", "figures moved"),
        (len(c.facts_added), "new fact", None),
        (len(c.quotes_added), "new quote", None),
        (len(c.new_entities), "new entity", "new entities"),
        (len(c.renamed), "rename", None),
        (len(c.edits) + len(c.aliases), "entity detail changed", "entity details changed"),
        (
            len(c.facts_removed) + len(c.quotes_removed) + len(c.removed_articles) + len(c.removed_entities),
            "removal",
            None,
        ),
    ]
    return ", ".join(_plural(n, one, many) for n, one, many in parts if n)


def whatsnew_view(changes: EditionChanges, config: BriefingConfig, link: LinkMaker) -> WhatsNew:
    """The "What's new" section of an edition compared with an earlier one. ``link`` makes the address of a page
    and anchor in the output at hand (see :data:`LinkMaker`)."""
    c = changes
    title = since_title(c)
    since = (f"edition {c.since}" if c.since_number else c.since) if c.since is not None else "the edition"
    now = edition_line(config) or "This edition"
    compared = f"{now} (as of {fmt_date(config.as_of)}) compared with {since} of {fmt_date(c.since_date)}"
    this = f"edition {config.edition}" if isinstance(config.edition, int) else config.edition or "this edition"
    if c.empty:
        return WhatsNew(
            title,
            f"Nothing changed since {since} of {fmt_date(c.since_date)}: "
            f"{this} publishes the same articles, "
            "entities, facts and quotes.",
            True,
            (),
        )

    def ent(e: EntityRef, anchor: str | None = None) -> Piece:
        return Piece(e.name, link(e.page, anchor) if e.page else None)

    def art(a: ArticleRef, anchor: str | None = None) -> Piece:
        return Piece(a.title, link(a.page, anchor) if a.page else None)

    def about(a: ArticleRef) -> Piece:
        bits = ", ".join(x for x in (a.outlet, fmt_date(a.date) if a.date else None) if x)
        return Piece(f" ({bits})" if bits else "")

    def source(s: SourceRef) -> tuple[Piece, ...]:
        if s.article is None:
            if s.reference:
                url = s.reference_url if s.reference_url and _HTTP.match(s.reference_url) else None
                return (Piece("general knowledge: "), Piece(s.reference, url))
            return (Piece("no source"),)
        label = ", ".join(
            x for x in (s.article.outlet or s.article.title, fmt_date(s.article.date) if s.article.date else None) if x
        )
        if s.paragraph:
            label += f", ¶{s.paragraph}"
        anchor = f"p{s.paragraph}" if s.paragraph else None
        return (Piece(label, link(s.article.page, anchor) if s.article.page else None),)

    def sources(old: SourceRef, new: SourceRef) -> tuple[Piece, ...]:
        if old == new:
            return (Piece(" ("), *source(new), Piece(")"))
        return (Piece(" (was "), *source(old), Piece("; now "), *source(new), Piece(")"))

    def fact(f: FactItem, style: str = "") -> tuple[Piece, ...]:
        return (
            ent(f.subject, "facts"),
            Piece(f" — {f.property}: "),
            Piece(f.value, style=style),
            Piece(f" (as of {fmt_date(f.as_of)}; " if f.as_of else " ("),
            *source(f.source),
            Piece(")"),
        )

    def quote(q: QuoteItem) -> tuple[Piece, ...]:
        return (
            ent(q.speaker, "quotes"),
            Piece(": "),
            Piece(q.text, style="quote"),
            Piece(f" ({fmt_date(q.date)}, " if q.date else " ("),
            *source(q.source),
            Piece(")"),
        )

    sections: list[ChangeSection] = []

    def section(sid: str, heading: str, items: list[tuple[Piece, ...]]) -> None:
        # one line each: an earlier manifest is read from outside, and a line break in its text must not end the
        # page's HTML block (the template escapes the rest)
        if items:
            sections.append(
                ChangeSection(
                    sid,
                    heading,
                    tuple(
                        ChangeItem(tuple(Piece(_SPACES.sub(" ", p.text), p.href, p.style) for p in i if p.text))
                        for i in items
                    ),
                )
            )

    section("new-articles", "New articles", [(art(a), about(a)) for a in c.new_articles])
    section(
        "facts-changed",
        "Facts changed",
        [
            (
                ent(x.new.subject, "facts"),
                Piece(f" — {x.new.property}: "),
                Piece(x.old.value, style="old"),
                Piece(" → "),
                Piece(x.new.value, style="new"),
                *sources(x.old.source, x.new.source),
            )
            for x in c.facts_changed
        ],
    )
    section(
        "figures",
        "Figures that moved",
        [
            (
                ent(f.entity, "facts" if f.new_source else None),
                Piece(f" — {f.label}: "),
                Piece(f.old, style="old"),
                Piece(" → "),
                Piece(f.new, style="new"),
                Piece(f" ({f.delta})" if f.delta else ""),
                *(sources(f.old_source, f.new_source) if f.old_source and f.new_source else ()),
            )
            for f in c.figures
        ],
    )
    section("new-facts", "New facts", [fact(f, "new") for f in c.facts_added])
    section("new-quotes", "New quotes", [quote(q) for q in c.quotes_added])
    section("new-entities", "New entities", [(ent(e), Piece(f" ({e.kind})" if e.kind else "")) for e in c.new_entities])
    revised = []
    for r in c.revised_articles:
        bits: list[Piece] = [art(r.article), about(r.article)]
        if r.old_title is not None:
            bits += [Piece(" — headline was "), Piece(r.old_title, style="old")]
        if r.old_date is not None:
            bits += [Piece(" — date was "), Piece(fmt_date(r.old_date) if r.old_date else "unknown", style="old")]
        if r.paragraphs:
            bits.append(
                Piece(" — new or changed text in ¶" if len(r.paragraphs) == 1 else " — new or changed text in ¶¶")
            )
            for i, n in enumerate(r.paragraphs):
                bits += [
                    Piece(", " if i else ""),
                    Piece(str(n), link(r.article.page, f"p{n}") if r.article.page else None),
                ]
        if r.dropped:
            bits.append(Piece(f" — {_plural(r.dropped, 'paragraph')} of the earlier text no longer there"))
        revised.append(tuple(bits))
    section("revised-articles", "Revised articles", revised)
    details: list[tuple[Piece, ...]] = []
    for rn in c.renamed:
        details.append(
            (ent(rn.entity), Piece(f": its id changed from “{rn.old_id}” to “{rn.entity.id}” (its page moved)"))
        )
    for ed in c.edits:
        if ed.prose:
            what = ed.what.lower() if ed.what == "Summary" else ed.what
            details.append(
                (
                    ent(ed.entity),
                    Piece(
                        f" — {what} added"
                        if ed.old is None
                        else f" — {what} removed"
                        if ed.new is None
                        else f" — {what} revised"
                    ),
                )
            )
        elif ed.old is None:
            details.append(
                (ent(ed.entity), Piece(f" — {ed.what}: "), Piece(ed.new or "", style="new"), Piece(" (added)"))
            )
        elif ed.new is None:
            details.append((ent(ed.entity), Piece(f" — {ed.what}: "), Piece(ed.old, style="old"), Piece(" (removed)")))
        else:
            details.append(
                (
                    ent(ed.entity),
                    Piece(f" — {ed.what}: "),
                    Piece(ed.old, style="old"),
                    Piece(" → "),
                    Piece(ed.new, style="new"),
                )
            )
    for al in c.aliases:
        bits = [ent(al.entity)]
        if al.added:
            bits += [Piece(" — now also found as "), Piece(", ".join(al.added), style="new")]
        if al.removed:
            bits += [Piece(" — no longer found as "), Piece(", ".join(al.removed), style="old")]
        details.append(tuple(bits))
    section("entities-changed", "Entities changed", details)
    section("facts-removed", "Facts removed", [fact(f, "old") for f in c.facts_removed])
    section("quotes-removed", "Quotes removed", [quote(q) for q in c.quotes_removed])
    section("articles-removed", "Articles removed", [(art(a), about(a)) for a in c.removed_articles])
    section(
        "entities-removed",
        "Entities removed",
        [
            (
                ent(r.entity),
                Piece(f" ({r.entity.kind})" if r.entity.kind else ""),
                Piece(
                    f", with its {' and '.join(x for x in (_plural(r.facts, 'fact') if r.facts else '', _plural(r.quotes, 'quote') if r.quotes else '') if x)}"
                    if r.facts or r.quotes
                    else ""
                ),
            )
            for r in c.removed_entities
        ],
    )
    return WhatsNew(title, f"{compared}: {_summary(c)}.", False, tuple(sections))
