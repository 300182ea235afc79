"""Story-block classification of text captures: which lines are the story, and what each kept line is.

Text copied out of a browser is the whole page: menus, teasers, cookie banners and comments around the story.
After the rule table has taken the lines it recognises, this pass looks at shallow features of every line
(length, stop-word ratio in the page's language, sentence punctuation, capitalisation, menu-like runs of short
lines) in the spirit of jusText and Boilerpipe:

1. every unit gets a score: prose (long, stop-word rich) scores its length, short and menu-like lines cost a
   little, furniture recognised by the rules costs more, prose after a comments heading does not count;
2. the story is the run of units with the highest total score (the densest run of prose, found in one pass,
   Kadane's maximum-sum segment), so short lines between story paragraphs (sub-headings, captions) stay with it
   while long menus, teaser lists and comment threads break it off; a run stopping at an end-of-story heading goes
   on to the next one when the text under it is at least twice the run's (the items a deals page is about);
3. units outside the run are removed ("page header" / "page footer" / "reader comments") unless that part costs
   almost nothing (when in doubt, keep); inside the run, kept lines get their role: ``heading`` (a short line
   without sentence punctuation), ``standfirst`` (before the first prose paragraph) or ``caption`` (a photo
   caption the rules recognised, and the image title right above it); calls to action inside it go.

Every unit is classified in constant time, so the pass is linear in the number of units.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass

from briefgen.clean.rules import BOUNDARY_RULES, ends_sentence
from briefgen.clean.units import Unit

# Most frequent function words per language (short lists on purpose: they must be frequent in prose and rare
# in menus). The page's language is the list with most hits in its longest lines.
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the a an of to and in is was for on that with as by at it from be are this which or have has had not "
        "but were their its they he she his her we you our will would can could been who than more also into "
        "about after there when one all if so what them i my me do does did no up out some these those just "
        "over only other such then while because any may should against near between during under through since "
        "until without within among where how why very most many much each both own same here now how being "
        "said says told according",
        "de": "der die das und in den von zu mit ist des sich im dem nicht ein eine auch es an als auf für wird "
        "werden sind aus bei oder nach hat wie zum zur einer einem eines noch wir sie er ich um so über "
        "aber vor wenn durch kann nur war haben diese dass mehr sein ihre",
        "fr": "le la les de des du et à un une en est que qui dans pour pas par sur au aux plus ne se ce il elle "
        "nous vous ils sont avec son sa ses leur été être a ont mais ou comme cette tout fait aussi entre "
        "même l d qu c n s",
        "es": "el la los las de del y en a que un una es por con para se no su sus al lo como más pero le ha han "
        "fue ser este esta sobre entre también cuando muy sin hay desde todo son era porque",
        "pt": "o a os as de do da dos das e em no na nos nas um uma que é para por com não se ao à mais mas como "
        "foi ser seu sua são ou também pelo pela entre quando muito já está isso tem há nem sobre",
        "it": "il lo la i gli le di del della dei delle e è in un una che per con non si al alla da dal nel nella "
        "sono come più ma anche ha ci questo questa essere stato tra se suo sua loro cui quando",
        "nl": "de het een en van in is dat op te zijn met voor niet aan er die als ook bij door maar om dan nog "
        "wordt werd naar uit over tot hij zij wij ze heeft hebben was kan deze dit",
        "sv": "och i att det som en på är av för med till den har de inte om ett var jag men så från vi kan han "
        "hon sig vid eller när också efter under",
        "pl": "i w na z się nie do to że jest o jak a po co ale przez za od jego tak są dla już może tylko "
        "było być jej ich które który która oraz gdy",
        "ru": "и в не на что с по как это он она к но за из о для от у же то так все был была были его ее их "
        "который которые также или бы если уже только при до мы вы они",
        "id": "dan yang di ke dari ini itu untuk dengan tidak dalam adalah pada juga akan atau ada kita kami mereka "
        "saya bisa oleh karena sudah telah jadi lebih seperti",
        "tr": "ve bir bu da de için ile olarak çok daha gibi olan en ne ama o her kadar sonra ya mı değil var "
        "ancak ise",
    }.items()
}

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_PUNCT = re.compile(r"[.!?…](?:\s|$)|[。！？,;，、]")
_WIDE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_COMMENT_LINE = re.compile(
    r"^.{1,80}?\b(?:says|said|wrote|writes|sagt|dit|dice|disse|написал)\s*:\s*$|"
    r"^(?:reply|responder|antworten|répondre|rispondi|ответить|balas)\s*[↓↵]?$",
    re.IGNORECASE,
)

_COMMENTS_WORD = (
    r"(?:comments?|responses?|replies|kommentare?|commentaires?|comentários?|comentarios?|commenti|"
    r"reacties|komentar|комментари[йи]|kommentarer)"
)
_STRONG_COMMENTS = re.compile(
    rf"^\W*(?:\d+\s+{_COMMENTS_WORD}|{_COMMENTS_WORD}\s*\(\d+\)|"
    rf"(?:leave|post|add|write|submit) a (?:comment|reply)|join the (?:conversation|discussion)|"
    rf"(?:view|show|read|see) (?:all )?(?:\d+ )?comments|(?:top|most) (?:rated|recent|popular) comments|"
    rf"(?:\d+\s+)?thoughts? on\b.*|what do you think\??|have your say|discussion)\W*$",
    re.IGNORECASE,
)

_END_MARKER = re.compile(
    r"^\W*(?:related(?: \w+)?|more (?:from|on|in|stories|news|articles|like this)\b.*|(?:you|we think you) (?:may|might|will) "
    r"(?:also )?(?:like|enjoy|be interested)\b.*|recommended\b.*|(?:read|see) (?:also|more|next)|also (?:read|on)\b.*|"
    r"(?:read|watch) (?:these|this|what's) next|what to read next|up next|more to (?:explore|read)|don'?t miss\b.*|"
    r"in case you missed it|around the web|(?:sponsored|promoted) (?:stories|links|content)|from (?:our|the) partners?|"
    r"more [\w’'&.-]+(?: [\w’'&.-]+){0,2}|popular\b.*|most (?:read|popular|viewed|shared)\b.*|trending\b.*|latest\b.*|"
    r"tags?|topics?|filed under|categor(?:y|ies)|about the authors?|share this\b.*|"
    r"leia (?:também|mais)|veja (?:também|mais)|você (?:pode|também pode) gostar\b.*|relacionad[oa]s?|mais lidas?|"
    r"lesen sie (?:auch|mehr)|das könnte sie (?:auch )?interessieren|mehr zum thema|weitere artikel|ähnliche artikel|"
    r"(?:à|a) lire aussi|lire aussi|vous aimerez (?:aussi|également)|sur le même sujet|articles similaires|"
    r"lee (?:también|más)|te puede interesar|noticias relacionadas|más noticias|"
    r"leggi anche|potrebbe interessarti|articoli correlati|"
    r"читайте (?:также|еще|ещё)|похожие (?:статьи|новости|записи)|рекомендуем|"
    r"baca juga|artikel terkait|berita terkait|lees ook|gerelateerd|"
    r"関連記事|関連ニュース|おすすめ記事|人気記事|こちらの記事も.*|相关文章|相关阅读|相关新闻|推荐阅读|관련 ?기사|추천 ?기사)\W*$",
    re.IGNORECASE,
)
"""Headings that end a story (related links, tags, share bars) in several languages."""
_PROMPT = re.compile(
    r"\b(?:newsletters?|subscribe|subscription|sign up|inbox|e-?mail address|push notifications|follow us|"
    r"share (?:this|it|your thoughts)\b|with (?:your )?friends|"
    r"abonn\w+|anmelden|newsletter|inscri(?:vez|ption)|suscr[ií]b\w+|assine|inscreva-se|iscriviti|"
    r"подпи(?:шитесь|саться|ска)|berlangganan)\b",
    re.IGNORECASE,
)
_ADDRESS = re.compile(
    r"\b(?:you|your|yours|our|us|ihr|ihre|ihren|unser\w*|vous|votre|vos|notre|nos|tu|tus|su|sus|nuestr\w+|"
    r"você|seu|sua|nosso|nossa|tuo|tua|vostr\w+|nostr\w+|ваш\w*|наш\w*|вы|anda|kami)\b",
    re.IGNORECASE,
)
"""A short line with call-to-action vocabulary addressing the reader ("Stay up to date with X. Subscribe to our
newsletter.", "Share your thoughts with friends.") is a prompt of the page, in the story run or not."""
_PROMPT_NEEDLES = (
    "newsletter",
    "subscri",
    "sign up",
    "inbox",
    "mail address",
    "notification",
    "follow us",
    "share",
    "friend",
    "abonn",
    "anmeld",
    "inscri",
    "suscr",
    "assine",
    "inscreva",
    "iscriv",
    "подпи",
    "berlangganan",
)
"""Every text :data:`_PROMPT` matches contains one of these (lower case): a quick test before the pattern."""

FURNITURE_COST = (3.0, 0.1)
"""Cost (fixed, per character) of a line the rules removed or a call to action, inside a run."""
MENU_COST = (15.0, 0.3)
"""Cost (fixed, per character up to 200) of a short line in a block of several lines (menus, link lists)."""
IN_BLOCK = 0.5
"""Share of its value that a prose line keeps when it is one line of a block of several (teaser lists put
headline and excerpt on lines of one block; story paragraphs are mostly blocks of their own)."""
MAX_VALUE = 1000
"""No single line counts for more than this many characters (a run-together block of teasers is one line)."""
STOP_SAMPLE = 300
"""The stop-word ratio is measured on the first this many characters of a line."""
GOOD_CHARS = 70
"""A prose line has at least this many characters…"""
GOOD_STOP = 0.26
"""…and at least this share of stop words (pages in a language without a list: sentence punctuation instead)."""
BOUNDARY = -400.0
"""Value of an end marker (related links, tags, share bar, comments heading): a run crosses it only between
long stretches of prose on both sides (a "Related" box inside the story)."""
EARLIER_SHARE = 0.3
"""A run of prose ending at an end marker wins over a bigger run after the marker if it scores at least this share
of it."""
UNDER_MARKER = 2.0
"""A story run stopping at an end marker goes on to the next one when the text under the marker is at least this
many times the text of the run (a deals or gallery page: a short introduction, then the items the page is about)."""
DOUBT = 50.0
"""A head or tail of the capture outside the run that costs less than this (and has no end marker) stays."""
ISOLATED = 0.3
"""Share of its value that a prose line keeps when menu-like lines surround it on both sides (a teaser excerpt
under its kicker, headline and source lines), rather than other paragraphs (the story)."""


@dataclass(frozen=True)
class _Feat:
    """Shallow features of one unit."""

    words: int
    """Whitespace-separated words."""
    chars: int
    """Characters (a Chinese, Japanese or Korean character counts three)."""
    stop: float
    """Share of stop words of the page's language (0 when not measured: short lines, no list)."""
    sentence: bool
    """Ends with sentence punctuation."""
    good: bool
    """Reads as prose: long enough and stop-word rich (or punctuated, without a stop-word list)."""


_LANGS_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in STOPWORDS.items():
    for _w in _words:
        _LANGS_OF[_w] = _LANGS_OF.get(_w, ()) + (_lang,)


def page_stopwords(units: list[Unit]) -> frozenset[str] | None:
    """The stop-word list of the page's language, judged on its longest lines; None when none fits."""
    longest = heapq.nlargest(6, (u.text for u in units), key=len)
    sample = " ".join(t[:600] for t in longest)
    if len(_WIDE.findall(sample)) > 0.3 * len(sample):
        return None  # Chinese, Japanese, Korean: no spaces between words, punctuation marks prose instead
    words = _WORD.findall(sample.lower())[:200]
    hits: dict[str, int] = {}
    for w in words:
        for lang in _LANGS_OF.get(w, ()):
            hits[lang] = hits.get(lang, 0) + 1
    if not hits:
        return None
    lang = max(hits, key=hits.__getitem__)
    return STOPWORDS[lang] if hits[lang] >= 0.08 * len(words) else None


def _features(text: str, stop: frozenset[str] | None) -> _Feat:
    """The features of one unit's text, with the page's stop words (None: a language without a list)."""
    n, chars = len(text.split()), len(text)
    sentence = ends_sentence(text[-8:])
    ratio, good = 0.0, False
    if chars < GOOD_CHARS and not (sentence and n >= 5) and stop is not None:
        pass  # too short to be prose: the stop-word ratio is not needed
    elif stop is not None:
        head = text[:STOP_SAMPLE]  # the ratio of a paragraph's first sentences is the paragraph's
        ratio = sum(1 for w in _WORD.findall(head.lower()) if w in stop) / (len(head.split()) or 1)
        good = chars >= GOOD_CHARS and ratio >= GOOD_STOP and (sentence or not _title_case(text))
    else:  # no stop-word list for this language (or no spaces): punctuation marks prose
        wide = len(_WIDE.findall(text))
        if wide:  # a Chinese, Japanese or Korean character says as much as about three Latin letters
            chars += 2 * wide
            sentence = sentence or text.rstrip("」』）)\"'”’").endswith(("。", "！", "？"))
        good = chars >= GOOD_CHARS and len(_SENTENCE_PUNCT.findall(text)) >= (1 if wide else 2)
    return _Feat(n, chars, ratio, sentence, good)


def _end_marker(text: str, f: _Feat) -> bool:
    """A short heading that ends a story; a sentence ("Latest figures show growth.") is not one."""
    if f.words > 8 or (f.sentence and not text.endswith(("...", "…"))):
        return False
    return _END_MARKER.match(text) is not None


def is_prompt(text: str, words: int) -> bool:
    """A call to action addressed to the reader (subscribe, newsletter, share this…), at most 20 words."""
    if words > 20:
        return False
    folded = text.lower()
    for needle in _PROMPT_NEEDLES:
        if needle in folded:
            break
    else:
        return False
    return _PROMPT.search(text) is not None and _ADDRESS.search(text) is not None


def _title_case(text: str) -> bool:
    """Most words capitalised: a headline, a menu entry or a product name rather than a sentence."""
    words = [w for w in text.split() if w[:1].isalpha()]
    return len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.6 * len(words)


def _value(u: Unit, f: _Feat, boundary: bool, stopless: bool) -> float:
    """A unit's contribution to the score of a run containing it."""
    if boundary:
        return BOUNDARY
    if not u.kept or ((f.good or f.sentence or u.alone) and is_prompt(u.text, f.words)):
        # (a menu line costs more than furniture anyway: no need to test it for a call to action)
        return -(FURNITURE_COST[0] + FURNITURE_COST[1] * f.chars)
    if f.good:
        if u.text.endswith(("...", "…")):
            return 0.2 * f.chars  # a teaser cut short, or a quote trailing off
        value = float(min(f.chars, MAX_VALUE)) if f.sentence else 0.5 * min(f.chars, MAX_VALUE)
        return value if u.alone else IN_BLOCK * value
    if f.sentence and (f.words >= 5 or stopless) and (f.stop >= GOOD_STOP or stopless):
        return 0.3 * f.chars  # a short sentence: neither story nor furniture on its own
    if u.alone:
        return 0.1 * f.chars  # a paragraph of its own: a sub-heading, a list line of the story
    return -(MENU_COST[0] + MENU_COST[1] * min(f.chars, 200))


_ITEM = re.compile(
    r"^\s*(?:\d{1,3}[.)]|[•·▪◦●○*✓✔-]\s|\(?[a-z]\))|\d|"
    r"^(?:jan|feb|m[aä]r|apr|ma[iy]|jun|jul|aug|sep|o[ck]t|nov|de[cz])[a-z]*\.?\s+\d",
    re.IGNORECASE,
)
"""A list item: numbered, bulleted, or led by a figure or a date ("June 9 – Tampa, FL")."""


def _lists(units: list[Unit], feats: tuple[_Feat, ...], values: list[float]) -> None:
    """Lists and tables of the story cost nothing: the lines after a line ending with a colon (to the end of its
    block, or the next block when the colon line stands alone), and runs of three or more numbered or
    figure-led lines (rankings, dates, ingredients). Menus are neither."""
    intro_block = -1
    run: list[int] = []
    prose_before = False
    for i, u in enumerate(units):
        if u.block == intro_block and u.kept and values[i] < 0:
            values[i] = 0.05 * feats[i].chars
        if u.kept and u.text.endswith(":") and 3 <= feats[i].words <= 25 and prose_before:
            intro_block = u.block + 1 if u.alone else u.block
        if u.kept:
            prose_before = values[i] > 0
        if u.kept and not u.alone and _ITEM.match(u.text):
            run.append(i)
            continue
        if not u.kept:
            continue  # a removed line (a link address, a price) does not break a list
        _credit(run, feats, values)
        run = []
    _credit(run, feats, values)


def _isolated(feats: tuple[_Feat, ...], values: list[float]) -> None:
    """Discount prose lines with two or more costly lines on each side before the next prose line (end markers do
    not count: they follow the last paragraph of every story)."""
    n = len(values)
    left = [0] * n  # costly lines right before i, since the last prose line
    run = 0
    for i in range(n):
        left[i] = run
        run = 0 if feats[i].good else run + (BOUNDARY < values[i] < 0)
    run = 0
    for i in range(n - 1, -1, -1):
        if feats[i].good and values[i] > 0 and left[i] >= 2 and run >= 2:
            values[i] *= ISOLATED
        run = 0 if feats[i].good else run + (BOUNDARY < values[i] < 0)


def _credit(run: list[int], feats: tuple[_Feat, ...], values: list[float]) -> None:
    if len(run) >= 3:
        units_in = dict.fromkeys(run, True)
        for j in range(run[0], run[-1] + 1):  # removed lines inside the list (link addresses) cost nothing either
            values[j] = max(values[j], 0.05 * feats[j].chars if j in units_in else 0.0)


def _best_run(values: list[float]) -> tuple[int, int, float]:
    """The segment [start, end) with the highest sum (Kadane); (0, 0, 0.0) when every value is negative."""
    best = (0, 0, 0.0)
    start, total = 0, 0.0
    for i, v in enumerate(values):
        if total <= 0:
            start, total = i, 0.0
        total += v
        if total > best[2]:
            best = (start, i + 1, total)
    return best


@dataclass(frozen=True)
class Story:
    """Where the story is among a capture's units."""

    start: int
    """Index of the first unit of the story run."""
    end: int
    """Index after its last unit."""
    comments_from: int | None
    """Index of the comments heading that starts the reader comments, if any."""
    feats: tuple[_Feat, ...]
    """Features of every unit (for the roles)."""


def story_run(units: list[Unit]) -> Story:
    """Find the story run ``[start, end)`` among the units (nothing is changed yet).

    A capture without any prose is all story (nothing to anchor a story on: the analyst decides)."""
    stop = page_stopwords(units)
    feats = tuple(_features(u.text, stop) for u in units)
    values = [
        _value(u, f, u.rule in BOUNDARY_RULES or _end_marker(u.text, f), stop is None) for u, f in zip(units, feats)
    ]
    _lists(units, feats, values)
    _isolated(feats, values)
    # Comment threads: after a comments heading (or "X says:" lines) that follows the start of the story, prose is
    # not story.
    comments_from = _comments_start(units, feats, _best_run(values)[0])
    if comments_from is not None:
        for i in range(comments_from, len(units)):
            if values[i] > 0:
                values[i] = -0.2 * values[i]
    start, end, total = _best_run(values)
    # A run right after an end marker ("You may also like") is a list of teasers when a fair run of paragraphs
    # (blocks of their own, not lines of a teaser block) ends before the marker: the story comes first.
    cut = start - 1
    while cut >= 0 and BOUNDARY < values[cut] <= 0:
        cut -= 1
    if cut >= 0 and values[cut] <= BOUNDARY:
        s0, e0, t0 = _best_run(values[:cut])
        alone = sum(values[i] for i in range(s0, e0) if values[i] > 0 and units[i].alone)
        if t0 >= EARLIER_SHARE * total and alone >= 0.5 * sum(max(v, 0.0) for v in values[s0:e0]):
            start, end, total = s0, e0, t0
    if total <= 0:
        return Story(0, len(units), None, feats)
    end = _past_marker(units, feats, values, start, end, comments_from)
    # When in doubt, keep: a head or tail that costs almost nothing and holds no end marker is not furniture.
    if start and min(values[:start]) > BOUNDARY and sum(values[:start]) > -DOUBT:
        start = 0
    if end < len(units) and min(values[end:]) > BOUNDARY and sum(values[end:]) > -DOUBT and comments_from is None:
        end = len(units)
    return Story(start, end, comments_from, feats)


def _past_marker(
    units: list[Unit], feats: tuple[_Feat, ...], values: list[float], start: int, end: int, comments_from: int | None
) -> int:
    """Where the story run ends, once more: a run that stops at an end-of-story or teaser heading ("Related",
    "Don't miss:") goes on to the next such heading when the text under it is at least :data:`UNDER_MARKER` times
    the run's own — then the run was only the introduction of what the page is about (product boxes, list items,
    pictures with their text). Under a short teaser list the story stops as before; comments never continue it."""
    if end >= len(units) or values[end] > BOUNDARY or units[end].rule in ("comments", "copyright", "cookies"):
        return end
    if comments_from is not None and end >= comments_from:
        return end
    nxt = next((j for j in range(end + 1, len(units)) if values[j] <= BOUNDARY), None)
    if nxt is None or (comments_from is not None and nxt > comments_from):
        return end
    run = sum(feats[i].chars for i in range(start, end) if units[i].kept)
    under = sum(feats[i].chars for i in range(end + 1, nxt) if units[i].kept)
    return nxt if under >= UNDER_MARKER * run else end


def apply_story(units: list[Unit], story: Story) -> None:
    """Remove the units outside the story run as boilerplate and give the kept units inside it their role.

    The run is widened over photo captions right before it (the lead picture's caption, between headline and
    story)."""
    start = story.start
    while start > 0 and units[start - 1].category == "caption" and units[start - 1].reason == "photo caption":
        start -= 1
    story = Story(start, story.end, story.comments_from, story.feats)
    for i, u in enumerate(units):
        if i < story.start:
            u.remove("boilerplate", "page header (before the story)")
        elif i >= story.end:
            in_comments = story.comments_from is not None and i >= story.comments_from
            u.remove("boilerplate", "reader comments" if in_comments else "page footer (after the story)")
    for i in range(story.start, story.end):
        u = units[i]
        if u.category == "caption" and u.reason == "photo caption" and not u.forced_keep:
            u.category, u.reason, u.role = None, None, "caption"  # a caption in the story is story text
        elif u.kept and is_prompt(u.text, story.feats[i].words):
            u.remove("boilerplate", "call to action (subscribe, share, follow…)")
    _roles(units, list(story.feats), story.start, story.end)


def _comments_start(units: list[Unit], feats: tuple[_Feat, ...], start: int) -> int | None:
    """Index of the first comments marker after ``start`` that follows at least one prose line, else None."""
    prose_seen = False
    for i in range(start, len(units)):
        u, f = units[i], feats[i]
        if f.good and u.kept:
            prose_seen = True
        elif (
            prose_seen
            and len(u.text) <= 120
            and (
                _STRONG_COMMENTS.match(u.text)
                or ((u.text.endswith(":") or len(u.text) <= 14) and _COMMENT_LINE.match(u.text))
            )
        ):
            return i  # ("Name said:" ends with a colon; "Reply" is short: the costly pattern only where it can match)
    return None


def _roles(units: list[Unit], feats: list[_Feat], start: int, end: int) -> None:
    """Roles of the kept units of the story run: heading, standfirst, caption, else body."""
    first_body = next((i for i in range(start, end) if units[i].kept and feats[i].good), start)
    for i in range(start, end):
        u, f = units[i], feats[i]
        if not u.kept or u.role != "body":
            continue
        k = next((j for j in range(i + 1, end) if units[j].kept), None)
        nxt = units[k] if k is not None else None
        if not f.good and not f.sentence and f.words <= 15:
            if start > 0 and i < first_body and nxt is not None and nxt.role != "caption":
                # a title line before any prose, under a page header: the headline, a kicker or a section label
                u.remove("boilerplate", "page header (before the story)")
                continue
            if nxt is not None and nxt.role == "caption":
                u.role = "caption"
            elif k is not None and (feats[k].good or feats[k].sentence):
                u.role = "heading"  # a sub-heading introduces text; a run of short lines is a list, not headings
        elif i < first_body:
            u.role = "standfirst"
