"""The boilerplate rules of text cleaning: one table of patterns with the category and reason each records.

A rule looks at one unit (a line or paragraph, whitespace folded) and either matches it whole or not at all.
Rules are tried in order; the first match decides. ``max_words`` keeps a rule off long story paragraphs that
merely *contain* its words. Rules marked ``region`` start a promotional region: the short, unpunctuated
lines that follow (plan names, prices, feature lists) are removed with it until story text resumes
(see :func:`is_promo_continuation`).

Besides the table, passes that need context (the story run, captions printed twice, duplicates, metadata) live in
:mod:`briefgen.clean.classify`, :mod:`briefgen.clean.text`, :mod:`briefgen.clean.dedup` and
:mod:`briefgen.clean.meta`; they use the predicates at the end of this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from briefgen.clean.dates import find_date, is_date_line

Category = Literal["boilerplate", "duplicate", "caption", "metadata", "override"]


@dataclass(frozen=True)
class Rule:
    """One boilerplate pattern."""

    name: str
    """Stable identifier (tests and docs refer to it)."""
    category: Category
    """Removal category recorded."""
    reason: str
    """Removal reason recorded."""
    pattern: re.Pattern[str]
    """Matched against the folded unit text."""
    whole: bool = True
    """True: the pattern must match the whole unit; False: a search (anchor it with ``^`` where needed)."""
    max_words: int = 40
    """The rule never applies to longer units."""
    region: Literal["promo", "links"] | None = None
    """The unit starts a region: ``promo`` (subscription offer, newsletter prompt: plan names, prices and
    feature lines follow) or ``links`` (a "Related" / "More on this story" heading: link titles follow)."""
    check: Callable[[re.Match[str]], bool] | None = None
    """Extra condition on the match (e.g. 'the rest of the line is a real date')."""
    needles: tuple[str, ...] = ()
    """A quick test before an expensive search: every text the pattern can match contains one of these
    lower-case strings of ASCII or caseless characters (compared as the pattern compares, see :func:`needle_fold`).
    Keep them in step with the pattern; empty: no quick test."""

    def match(self, text: str, words: int, folded: str | None = None) -> re.Match[str] | None:
        if words > self.max_words:
            return None
        if self.needles:
            folded = needle_fold(text) if folded is None else folded
            if not any(n in folded for n in self.needles):
                return None
        m = self.pattern.fullmatch(text) if self.whole else self.pattern.search(text)
        if m is None or (self.check is not None and not self.check(m)):
            return None
        return m


_RE_I_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
"""The only non-ASCII characters that ``re.IGNORECASE`` matches with an ASCII letter (İ ı ſ K)."""


def needle_fold(text: str) -> str:
    """``text`` such that an ASCII needle is in it whenever a case-insensitive pattern could match it there."""
    return text.translate(_RE_I_ASCII).lower()


def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_SHARE_WORD = (
    r"(?:share(?: this(?: article| story| post| page)?| on| via)?|tweet|e-?mail|mail|print|whatsapp|"
    r"facebook|twitter|x|linkedin|reddit|telegram|pinterest|messenger|flipboard|sms|copy(?: link)?)"
)
AGENCIES = (
    r"AFP|AP|Reuters|PTI|IANS|ANI|UNI|Bloomberg|UPI|dpa|DPA|Xinhua|TASS|Tass|Kyodo(?: News)?|EFE|ANSA|"
    r"Yonhap|Sputnik|RIA Novosti|Interfax|Anadolu(?: Agency)?|AAP|Bernama|Press Association|PA Media|"
    r"Associated Press|Agence France-Presse"
)
_CAP_WORD = r"[A-Z][\w'’.-]*"
_NAME = r"[A-Z][\w'’.-]+(?:\s+(?:(?:de|da|del|der|di|du|la|le|van|von|bin|al|el|ibn)\s+)?[A-Z][\w'’.-]+){1,3}"
_CREDITS_RX = (
    r"\(?\s*(?:(?:additional )?reporting|writing|written|editing|edited|compiled|translated|"
    r"with (?:additional )?inputs?) (?:by|from) (?P<who>.{1,200}?)\)?"
)


def _date_follows(m: re.Match[str]) -> bool:
    """The label is followed by a date right away (at most a weekday before it)."""
    found = find_date(m.group("rest"))
    return found is not None and found[1].start() <= 12


def _whole_date(m: re.Match[str]) -> bool:
    return is_date_line(m.group(0))


def _credits_shape(m: re.Match[str]) -> bool:
    """A credits line is parenthesised (Reuters style) or short and unpunctuated, never a story sentence."""
    text = m.group(0)
    return (text.startswith("(") and text.endswith(")")) or (len(text.split()) <= 12 and not ends_sentence(text))


_COMMENTS_ITEM = (
    r"(?:comments?\s*\(\d+\)|\d+\s+comments?|(?:leave|post|add|write) a (?:comment|reply)|"
    r"(?:view|show|read|hide) (?:all )?comments|join the (?:conversation|discussion)|comments?|"
    r"kommentare?\s*\(\d+\)|\d+\s+kommentare?|commentaires?\s*\(\d+\)|\d+\s+commentaires?|"
    r"coment[aá]rios?\s*\(\d+\)|\d+\s+coment[aá]rios?|commenti\s*\(\d+\)|\d+\s+commenti|"
    r"комментари[йиея]\s*\(\d+\)|\d+\s+комментари[йиея]|kommentieren|commenter|comentar|commenta)"
)


#: The rule table. Order matters: the first matching rule decides.
RULES: tuple[Rule, ...] = (
    Rule(
        "advertisement",
        "boilerplate",
        "advertisement",
        _rx(
            r"[-–—•|\s]*(?:advertisement|advertising|advert|ads?|sponsored(?: content)?|promoted(?: content)?|"
            r"paid (?:content|post)|(?:story|article) continues below(?: advertisement)?|"
            r"continue reading (?:below|the main story))[-–—•|\s]*"
        ),
    ),
    Rule(
        "image-placeholder",
        "boilerplate",
        "image placeholder",
        _rx(
            r"(?:images?|photos?|picture|videos?|graphic|illustration|gallery|slideshow|infographic|watch|play|"
            r"(?:play|watch) video|listen|audio|(?:image|photo) \d+ of \d+|\d+ of \d+|enlarge(?: this image)?|"
            r"expand|view (?:image|gallery))"
        ),
    ),
    Rule(
        "breadcrumb",
        "boilerplate",
        "breadcrumb",
        _rx(r"you are here\s*:.*|home\s*[»›>/|].*|(?:[^»›]{1,40}[»›]\s*){2,}[^»›]{1,60}"),
        max_words=20,
    ),
    Rule(
        "newsletter",
        "boilerplate",
        "newsletter prompt",
        _rx(
            r"^\W*(?:newsletters?(?: subscribe| sign[- ]?up)?\W*$|subscribe to (?:our|the|this) (?:[\w-]+ ){0,3}newsletters?|"
            r"sign up\b.*\b(?:newsletters?|inbox|alerts|updates|mailing list|briefing)\b|sign up(?: now| here| today)?\W*$|"
            r"stay informed\b|"
            r"get (?:our|the) [\w ]{0,40}newsletter|(?:a|our) free (?:daily |weekly )?(?:subscription|newsletter)\b|"
            r"(?:enter )?(?:your )?e-?mail address\W*$|enter your e-?mail\b|join (?:our|the) mailing list|never miss a (?:story|thing)\b)"
        ),
        whole=False,
        region="promo",
    ),
    Rule(
        "subscription",
        "boilerplate",
        "subscription offer",
        _rx(
            r"\W*(?:subscribe(?: now| today| here)?(?:\s*[-–—:|]\s*.{1,40})?|already a subscriber\??|become a (?:member|subscriber)|"
            r"renews? automatically.*|auto-?renew.*|cancel any ?time|save \d+\s?%|"
            r"(?:start (?:your|a) )?free trial.*|(?:unlock|get) (?:unlimited|full|premium) access.*|"
            r"subscriber[- ]only.*|premium (?:content|article|story)|subscribe to .*)\W*"
        ),
        max_words=30,
        region="promo",
    ),
    Rule(
        "price",
        "boilerplate",
        "subscription offer",
        _rx(
            r"\W*(?:(?:only |just )?[₹$€£¥]\s?\d[\d,.]*(?:\s?(?:/|per|a)\s?(?:month|mo|year|yr|week|wk|day))?|"
            r"\d+\s+(?:months?|years?|weeks?|days?))\W*"
        ),
        max_words=4,
    ),
    Rule(
        "copyright",
        "boilerplate",
        "copyright notice",
        _rx(r"^\W*(?:copyright\b|©|\(c\)\s*\d{4})|\ball rights reserved\b"),
        whole=False,
        needles=("copyright", "©", "(c)", "all rights reserved"),
    ),
    Rule(
        "disclaimer",
        "boilerplate",
        "disclaimer",
        _rx(r"^\W*(?:disclaimer|our standards)\s*:"),
        whole=False,
        max_words=80,
        needles=("disclaimer", "our standards"),
    ),
    Rule(
        "syndication",
        "boilerplate",
        "syndication notice",
        _rx(
            r"auto-generated from a syndicated feed|(?:has|have) not been edited by .{1,60}? staff|"
            r"(?:published|generated) from (?:a|an) (?:syndicated|agency|wire) feed|only the headline .{1,80} reworked"
        ),
        whole=False,
        max_words=60,
        needles=("feed", "staff", "reworked"),
    ),
    Rule(
        "link-list",
        "boilerplate",
        "navigation link",
        _rx(
            r"more from (?:this|the) (?:section|author|category)|more (?:stories|news|articles) from [\w .&'’-]{1,40}|"
            r"more on this (?:story|topic)|latest (?:news|stories|updates)|top (?:news|stories)|"
            r"trending(?: now| stories| news)?|most (?:read|popular|viewed|shared)|"
            r"recommended(?: for you| stories| reading)?|you (?:may|might) also (?:like|be interested in)|"
            r"related(?: articles| stories| news| posts| content| topics| coverage)?|don'?t miss|"
            r"popular (?:now|stories)|editor'?s picks|more stories|(?:read|see) (?:more|also|next)|also read"
        ),
        region="links",
    ),
    Rule(
        "navigation",
        "boilerplate",
        "navigation link",
        _rx(
            r"(?:next|previous|prev) (?:story|article|post|page)|back to top|skip to (?:main )?content|"
            r"continue reading|load more|show more|view all|"
            r"(?:(?:read|see) (?:more|also|next)|also read)\s*[:»›|-].*|also on [\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b.*"
        ),
        max_words=25,
    ),
    Rule(
        "ui-control",
        "boilerplate",
        "page control",
        _rx(
            r"(?:close|open|toggle|expand|collapse)(?: (?:panel|menu|navigation|caption|search|gallery))?|menu|"
            r"search|sign in|log ?in|log ?out|register|skip(?: advertisement| ad)?|(?:show|hide) caption|"
            r"print this (?:page|article)|font size|text size|listen to (?:this )?article"
        ),
    ),
    Rule(
        "link-prompt",
        "boilerplate",
        "link prompt",
        _rx(r"\b(?:click|tap) here\b|\bread the full (?:story|article)\b|\bdownload (?:the|our) app\b"),
        whole=False,
        max_words=25,
        needles=("here", "read the full", "download"),
    ),
    Rule("share", "boilerplate", "share buttons", _rx(rf"{_SHARE_WORD}(?:[\s,|/·•]+{_SHARE_WORD})*")),
    Rule(
        "comments", "boilerplate", "comments prompt", _rx(rf"\W*{_COMMENTS_ITEM}(?:\s*[|/•·,]\s*{_COMMENTS_ITEM})*\W*")
    ),
    Rule(
        "tags",
        "boilerplate",
        "tag list",
        _rx(
            r"(?:tags?|tagged(?: with)?|topics?|filed under|categor(?:y|ies)|keywords|schlagworte|schlagwörter|"
            r"étiquettes|mots-clés|etiquetas|temas|tópicos|argomenti|теги|метки|темы)\s*[:|]\s*.+|"
            r"tags\s+(?!(?:are|is|were|was|can|will|have|help|that|which|and|or)\b)\S.*[^.!?:]"
        ),
        max_words=30,
    ),
    Rule("separator", "boilerplate", "separator line", _rx(r"[^\w|]+|_+"), max_words=3),
    Rule("chevron", "boilerplate", "link prompt", _rx(r"(?:>>|»\s|›\s|>\s).+"), max_words=25),
    Rule(
        "cookies",
        "boilerplate",
        "cookie notice",
        _rx(
            r"\bcookies?\b.{0,300}\b(?:consent|accept|agree|privacy|policy|settings|preferences|browser|website|site|"
            r"experience|opt[- ]?out|necessary|analytics|einwilligung|zustimm|datenschutz|akzeptier|consentement|"
            r"accepte[rz]?|confidentialité|consentimento|aceit|privacidade|consenso|accett|consentimiento|acept|"
            r"privacidad|согла|конфиденциальн)|"
            r"\b(?:consent|privacy|datenschutz|confidentialité|privacidade|privacidad)\b.{0,200}\bcookies?\b|"
            r"^\W*(?:accept|reject|allow|decline|manage|customi[sz]e)(?: all)? cookies\W*$|^\W*cookie (?:settings|policy|preferences)\W*$|"
            r"^\W*(?:privacy overview|necessary|non-necessary|always enabled|functional|performance|analytics|advertisement)"
            r"(?: cookies)?\W*$"
        ),
        whole=False,
        max_words=120,
        needles=("cooki", "куки", "privacy overview", "necessary", "always enabled"),
    ),
    Rule(
        "social",
        "boilerplate",
        "social media prompt",
        _rx(
            r"(?:follow|like) us\b.*|follow (?:him|her|them|@\w+) on .*|(?:find|connect with) us on .*|"
            r"follow (?:[\w@.&'’-]+ ){1,3}on(?: (?:twitter|facebook|instagram|linkedin|youtube|telegram|x))?\W*"
        ),
        max_words=20,
    ),
    Rule(
        "photo-credit",
        "caption",
        "photo caption",
        _rx(
            r"(?:^|[\s.!?(|,;])(?:photo(?:graph)?|picture|pic|image)(?: ?credit| courtesy| by)?\s*(?::|/)\s*[^.!?:]{1,60}?\)?$|"
            r"(?:^|[\s(/|])(?:getty images|afp via getty images|afp photo|ap photo(?:/[^.]{1,40})?|"
            r"reuters/[^.]{1,40}|epa(?:-efe)?/[^.]{1,40}|shutterstock)\)?$|"
            r"^(?:image|photo|video)? ?caption\b|^image source\b|^photo(?:graph)? (?:credit|courtesy)\b"
        ),
        whole=False,
        max_words=60,
        needles=("photo", "pic", "image", "reuters/", "epa", "shutterstock", "caption"),
    ),
    Rule(
        "dateline",
        "metadata",
        "dateline",
        _rx(
            r"(?P<label>first published|published(?: on| at)?|last updated|last modified|updated(?: on| at)?|"
            r"posted(?: on| at)?|dated?)\s*:?\s*(?P<rest>.+)"
        ),
        max_words=25,
        check=_date_follows,
        needles=("publish", "updat", "modif", "post", "date"),
    ),
    Rule(
        "date", "metadata", "dateline", _rx(r".+"), max_words=12, check=_whole_date, needles=tuple("0123456789")
    ),  # every date read has a four-digit year
    Rule(
        "date-label",
        "metadata",
        "dateline",
        _rx(r"(?:first |last )?(?:published|updated|posted|modified)(?: on| at)?\s*:?|dated?\s*:"),
    ),
    Rule(
        "timestamp",
        "metadata",
        "relative timestamp",
        _rx(
            r"(?:(?:published|updated|posted)\s*:?\s*)?(?:\d+|an?|one)\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago|"
            r"(?:published|updated|posted)(?: at| on)?\s*:?\s*\d{1,2}[:.]\d{2}\s*(?:[ap]\.?\s?m\.?)?\s*(?:\(?[A-Z]{2,5}\)?)?\.?"
        ),
    ),
    Rule("reading-time", "boilerplate", "reading time", _rx(r"\d+\s*(?:-\s*)?min(?:ute)?s?\.?\s+read")),
    Rule(
        "agency",
        "metadata",
        "agency dateline",
        re.compile(
            rf"(?:(?i:by)\s+)?\(?(?P<agency>{AGENCIES})\b\)?(?:\s*[|,/–—:-]\s*|\s+)?"
            rf"(?P<place>{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,3}})?"
        ),
        max_words=6,
    ),
    Rule(
        "byline",
        "metadata",
        "byline",
        re.compile(
            rf"(?:(?i:by|written by|story by|words by|reported by)\s*:?|[–—])\s*"
            rf"(?P<names>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*)(?:\s*[,|/]\s*(?P<org>[A-Z][\w&'’. -]{{1,40}}))?"
        ),
        max_words=16,
    ),
    Rule(
        "url",
        "metadata",
        "source address",
        _rx(r"(?:(?:source|url|link|from)\s*:?\s*)?(?P<url>https?://\S+)"),
        max_words=3,
    ),
    Rule(
        "credits",
        "metadata",
        "reporting credits",
        _rx(_CREDITS_RX),
        max_words=50,
        check=_credits_shape,
        needles=("report", "writ", "edit", "compil", "translat", "input"),
    ),
)


BOUNDARY_RULES = frozenset({"copyright", "comments", "share", "link-list", "cookies", "tags"})
"""Furniture that ends a story rather than interrupting it: the story-block pass (:mod:`briefgen.clean.classify`)
bridges it only between long runs of prose on both sides."""


def _compiled(rules: tuple[Rule, ...]) -> tuple[tuple, ...]:
    """The rules as plain tuples for the hot loop of :func:`classify` (same logic as :meth:`Rule.match`)."""
    return tuple(
        (r, r.max_words, r.needles, r.pattern.fullmatch if r.whole else r.pattern.search, r.check) for r in rules
    )


_COMPILED = _compiled(RULES)
_WHOLE_ANY = re.compile(
    "|".join(
        f"(?{'i' if r.pattern.flags & re.IGNORECASE else '-i'}:{re.sub(r'[(][?]P<[a-z_]+>', '(?:', r.pattern.pattern)})"
        for r in RULES
        if r.whole and r.check is None
    )
)
"""All whole-unit patterns without an extra check in one: most lines (menus, story) match none of them, and one
match in C is much cheaper than trying each pattern in turn."""
_NOT_WHOLE = tuple(c for c in _COMPILED if not (c[0].whole and c[4] is None))
"""The rules left to try, in table order, when :data:`_WHOLE_ANY` does not match."""
_WHOLE_MAX_WORDS = max(r.max_words for r in RULES if r.whole and r.check is None)


def classify(text: str) -> tuple[Rule, re.Match[str]] | None:
    """The first rule of :data:`RULES` that matches the whole unit, with its match."""
    words = len(text.split())
    folded = None
    whole = words <= _WHOLE_MAX_WORDS and _WHOLE_ANY.fullmatch(text) is not None
    for rule, max_words, needles, find, check in _COMPILED if whole else _NOT_WHOLE:
        if words > max_words:
            continue
        if needles:
            if folded is None:
                folded = needle_fold(text)
            for n in needles:
                if n in folded:
                    break
            else:
                continue
        m = find(text)
        if m is not None and (check is None or check(m)):
            return rule, m
    return None


# --- predicates used by the context heuristics ---------------------------------------------------------------

FUNCTION_WORDS = frozenset(
    "a an the of in on at by to from with for and or but nor as than that which who whom whose between into "
    "over under about after before during its their his her our your my is are was were be been has have had "
    "said says if when while because not no so both either these those this near via per against among".split()
)
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’»)\]]+)?$")
_BULLET = re.compile(r"^(?:[•·▪▫►▶✓✔✗■□◦●○*]|[-–—]\s)")
_PROMO = re.compile(
    r"\b(?:subscri\w*|newsletters?|inbox|premium|offers?|free|trial|sign(?:ed)? ?up|log ?in|"
    r"register|access|plans?|e-?paper|ad-free|devices?|apps?|unlimited|digital|membership|"
    r"members?|editorial charter|cancel\w*|renews?)\b",
    re.IGNORECASE,
)


def ends_sentence(text: str) -> bool:
    """The text ends with sentence punctuation (possibly followed by closing quotes or brackets)."""
    return bool(_SENTENCE_END.search(text))


def _last_word(text: str) -> str:
    words = text.split()
    return re.sub(r"[\W_]+", "", words[-1]).lower() if words else ""


def is_story_like(text: str) -> bool:
    """A unit that reads as story text: a punctuated sentence of 6+ words, or any run of 15+ words."""
    n = len(text.split())
    return n >= 15 or (n >= 6 and ends_sentence(text))


def is_headline_candidate(text: str) -> bool:
    """Could be a headline: at most 25 words, starts with a capital or digit, does not end with a full stop."""
    words = text.split()
    if not 1 <= len(words) <= 25 or not (text[0].isupper() or text[0].isdigit() or text[0] in "\"“'‘"):
        return False
    return not text.rstrip("\"'”’»)").endswith(".") and _last_word(text) not in FUNCTION_WORDS


def is_link_title(text: str) -> bool:
    """Inside a list of links ("Related", "More on this story"): a headline-like line without a full stop."""
    return is_headline_candidate(text)


CAPTION_LABEL = re.compile(r"\W*(?:image|photo|video)? ?caption\W*", re.IGNORECASE)
"""A caption label on its own line ("Image caption,"): the next line is the caption (BBC style)."""


def is_promo_continuation(text: str) -> bool:
    """Inside a promotional region: plan names, prices, bullets, footnotes and promo phrases without a story."""
    if _BULLET.match(text):
        return True
    words = len(text.split())
    promo = bool(_PROMO.search(text))
    if _last_word(text) in FUNCTION_WORDS:
        return False
    if not ends_sentence(text) and (words <= 8 or promo):
        return True
    return promo and words <= 20


REGION_CONTINUES = {"promo": is_promo_continuation, "links": is_link_title}
"""Per region kind, what may follow the region's opening line and still belong to it."""
