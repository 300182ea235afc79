"""The suggest stage: what the analyst may annotate next, read from the model (``briefgen suggest``, serve's
``/.briefgen/suggestions``).

Four kinds of suggestion, each ranked, each with its places:

- **names** no alias covers: runs of capitalised words (multi-word names kept whole; a title in front — "Foreign
  Minister X" — marks a person and is left out of the name; a sentence's first word only when the text never
  writes it in lower case), all-capital datelines ("MOSCOW (AFP) —"), grouped by the entity they probably are (a
  surname with the full name it ends), with a kind guessed from the briefing's own kinds;
- **near-misses** of known aliases ("Toshimutsu" beside "Toshimitsu", rapidfuzz): a variant or a misspelling;
- **quotes** of known entities: ``"…," Lavrov said``, ``said X: "…"``, ``"…," he said`` after a named speaker;
- **facts**: a figure with a unit or a counted noun (model/amounts.py) in a sentence that names an entity.

Nothing here writes: suggestions are read from the model, and what is already annotated is left out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz, process

from briefgen import gcpolicy
from briefgen.link import Mention
from briefgen.link.matcher import sentence_bounds
from briefgen.model.amounts import AMOUNT_RE, UNITS, WORD_NUMBERS
from briefgen.model.locate import normalize
from briefgen.model.types import Article, Model
from briefgen.slug import slugify
from briefgen.suggest.types import FactSuggestion, NameSuggestion, NearMiss, Place, QuoteSuggestion, Suggestions

SUGGESTION_KINDS = ("names", "near-misses", "quotes", "facts")
"""What ``--kind`` may select (besides an entity kind of the briefing, which selects names of that kind)."""

# -- words -------------------------------------------------------------------------------------------------------

TITLE_WORDS = frozenset(
    """president prime minister foreign deputy defence defense secretary general chief spokesman
spokeswoman spokesperson ambassador governor mayor senator chancellor king queen emperor premier mr mrs ms dr sir
lord gen adm col lt sgt chairman chairwoman vice head director commissioner envoy trade energy fisheries economy
finance interior justice state first lady crown prince princess pope archbishop bishop speaker leader opposition
former late acting cabinet chief-of-staff president-elect secretary-general rep sen gov justice""".split()
)
"""Words of a title in front of a person's name ("Foreign Minister", "Mr", "President")."""

HEAD_TITLES = frozenset(
    """president minister secretary spokesman spokeswoman spokesperson ambassador governor mayor
senator chancellor king queen emperor premier mr mrs ms dr sir lord gen adm col lt sgt chairman chairwoman director
commissioner envoy prince princess pope archbishop bishop leader rep sen gov president-elect secretary-general""".split()
)
"""Title words that end a title: a name after one of these is a person."""

ORG_WORDS = frozenset(
    """ministry council agency corporation corp company commission committee institute fund bank
party union association organisation organization office department service services news times post herald
group university army navy forces force guard assembly parliament senate congress court government league alliance
federation foundation authority board bureau centre center inc ltd plc co broadcaster network press agency""".split()
)
"""Last words of an organisation's name."""

EVENT_WORDS = frozenset(
    """conference summit forum talks meeting war games olympics election elections treaty
declaration accord agreement crisis incident visit festival session dialogue negotiations""".split()
)
"""Last words of an event's name."""

PLACE_WORDS = frozenset(
    """island islands islet isles strait sea ocean river mountain mountains city province
prefecture region peninsula bay gulf airport port harbour harbor district county state territory territories
kurils""".split()
)
"""Last words of a place's name."""

FRAME_WORDS = frozenset(
    """republic city kingdom state province county island islands federation principality
emirate sultanate region town village port""".split()
)
"""Words around the heart of a name ("Republic of X", "City of X")."""

PLACE_CUES = frozenset("in at to from near into across via off outside inside toward towards".split())
"""Words before a place name."""

CONNECTORS = frozenset("of the de du la le von van der den al bin ibn y da di for and".split())
"""Lower-case words inside a name ("Ministry of Foreign Affairs"); 'and' only between two capitalised words of a
run that ends in an organisation word."""

NOT_NAMES = frozenset(
    """i a an the this that these those it its he she they we you his her their our my your but and
or if so as at by for in of on to with from after before when while during since until also however meanwhile
there here what who which where why how yes no not mr mrs ms monday tuesday wednesday thursday friday saturday
sunday january february march april may june july august september october november december jan feb mar apr jun
jul aug sep sept oct nov dec image photo video advertisement read more share updated last copyright all rights
reserved""".split()
)
"""Capitalised words that are no names on their own."""

SPEECH_VERBS = (
    "said",
    "says",
    "told",
    "added",
    "stressed",
    "noted",
    "declared",
    "insisted",
    "warned",
    "explained",
    "stated",
    "asked",
    "replied",
    "wrote",
    "tweeted",
    "announced",
    "argued",
    "according to",
)
"""Verbs that attribute quoted speech."""


ROLE_KIND_WORDS = {
    "person": ("person", "people", "actor", "individual", "official", "figure", "politician", "leader", "personality"),
    "place": ("place", "location", "city", "island", "region", "country", "site", "area", "territory", "geography"),
    "organisation": (
        "organisation",
        "organization",
        "org",
        "institution",
        "company",
        "agency",
        "body",
        "group",
        "actor",
        "party",
    ),
    "event": ("event", "meeting", "summit", "incident", "conference", "episode"),
}
"""Words in a kind's id, label or plural that say it holds names of each role (first match wins)."""

MEASURE_PROPERTIES = {
    "km²": "area",
    "mi²": "area",
    "ha": "area",
    "km": "distance",
    "mi": "distance",
    "m": "height",
    "%": "share",
    "h": "duration",
    "min": "duration",
    "d": "duration",
    "wk": "duration",
    "mo": "duration",
    "yr": "duration",
    "t": "weight",
    "kg": "weight",
    "USD": "value",
    "JPY": "value",
    "RUB": "value",
    "EUR": "value",
    "GBP": "value",
}
"""A property guessed from a figure's unit."""

POPULATION_NOUNS = frozenset("people residents inhabitants population citizens villagers islanders".split())

_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]*(?<![.])|\d[\w'’.,\-]*|[^\w\s]", re.UNICODE)
_DATELINE = re.compile(r"^([A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})(?=\s*(?:\(|,|:|\s[-–—]))")
_QUOTE_OPEN = '"“'
_QUOTED = re.compile(r"[\"“]([^\"“”]{12,})[\"”]")  # greedy: no closing mark inside, so it ends at the first
_VERB = re.compile(r"\b(?:" + "|".join(v.replace(" ", r"\s+") for v in SPEECH_VERBS) + r")\b")
_PRONOUN_BEFORE = re.compile(r"\b(he|she|they)\s*$", re.IGNORECASE)
_PRONOUN_AFTER = re.compile(r"\s*(he|she|they)\b", re.IGNORECASE)
NEAR_VERB = 90
"""Characters between a speaker's name and the speech verb ("Atsushi Kaifu, a spokesman from Japan's foreign
ministry, said")."""


_PARTICLE_NAME = re.compile(r"(?:al|el|ad|as|bin|ibn|abu|de|da|di|du|le|la|van|von)-[A-Z]")


def _cap(word: str) -> bool:
    """A capitalised word, or a name with a particle ("al-Assad")."""
    return word[:1].isupper() or bool(_PARTICLE_NAME.match(word))


_SUFFIX = re.compile(r"(?:'s|’s|['’]|-(?:era|based|led|backed|born|run|style|made|owned|like|held|controlled)|\.)$")


def _plain_word(word: str) -> str:
    """A token without a final possessive, full stop or adjectival ending ("II-era", "Moscow-based")."""
    while True:
        cut = _SUFFIX.sub("", word)
        if cut == word:
            return word
        word = cut


_DEMONYM_ENDS = ("n", "an", "ian", "ese", "ns", "ans", "ians", "i", "is", "ish", "ic")


def _demonym(word: str, names: set[str]) -> bool:
    """Whether ``word`` is an adjective or demonym of a name in ``names`` (lower case): Russian, Japanese, Syrian,
    Ukrainian, Chinese, Kuril."""
    w = word.lower()
    for n in names:
        if n.endswith("s") and w == n[:-1] and len(w) >= 4:
            return True  # "Kuril" of "Kurils"
        for stem in {n, n[:-1]}:
            if len(stem) >= 3 and w != n and w.startswith(stem) and w[len(stem) :] in _DEMONYM_ENDS:
                return True
    return False


@dataclass(frozen=True)
class _Seen:
    """One name seen in a paragraph."""

    text: str
    """The name as written (title left out)."""
    role: str
    """What it looks like."""
    title: bool
    """Preceded by a title (a person)."""
    initial: bool
    """The first word of a sentence."""
    start: int
    """Offset in the paragraph."""
    place: Place
    """Where."""


class _Text:
    """One article's paragraphs with their sentences and covered (mentioned) offsets."""

    def __init__(self, art: Article):
        self.art = art
        self.sentences = [sentence_bounds(p.text) for p in art.paragraphs]
        self._runs: dict[int, list[_Run]] = {}
        self.covered: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.mentions: dict[int, list[Mention]] = defaultdict(list)
        for m in art.mentions:
            self.covered[m.paragraph].append((m.start, m.end))
            self.mentions[m.paragraph].append(m)

    def place(self, k: int, offset: int) -> Place:
        p = self.art.paragraphs[k]
        for a, b in self.sentences[k]:
            if a <= offset < b:
                return Place(self.art.slug, p.number, p.span, p.text[a:b].strip())
        return Place(self.art.slug, p.number, p.span, p.text.strip())

    def sentence_at(self, k: int, offset: int) -> tuple[int, int]:
        for a, b in self.sentences[k]:
            if a <= offset < b:
                return a, b
        return 0, len(self.art.paragraphs[k].text)

    def runs(self, k: int) -> list[_Run]:
        """The runs of capitalised words of paragraph ``k`` (see :func:`_runs`), found once."""
        got = self._runs.get(k)
        if got is None:
            text = self.art.paragraphs[k].text
            got = self._runs[k] = list(_runs(text, {a for a, _ in self.sentences[k]} | {0}))
        return got

    def is_covered(self, number: int, start: int, end: int) -> bool:
        for a, b in self.covered.get(number, ()):  # a loop: asked for every name seen, any() costs a third more
            if a < end and start < b:
                return True
        return False


# -- names ---------------------------------------------------------------------------------------------------------


def _upper_class() -> str:
    """A regex class of every upper-case letter of the Basic Multilingual Plane, as ranges."""
    ranges: list[list[int]] = []
    for c in range(0x10000):
        if chr(c).isupper():
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
    return (
        "["
        + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
        + "]"
    )


_UPPER = _upper_class()
_CAP_WORD = rf"(?:{_UPPER}|(?:al|el|ad|as|bin|ibn|abu|de|da|di|du|le|la|van|von)-{_UPPER})[\w'’.\-]*(?<![.'’\-])"
_RUN = re.compile(rf"(?<![\w'’\-]){_CAP_WORD}(?: (?:(?:{'|'.join(sorted(CONNECTORS))}) )*{_CAP_WORD})*")
_RUN_UPPER = re.compile(
    rf"{_UPPER}(?<![\w'’\-].)[\w'’.\-]*(?<![.'’\-])(?: (?:(?:{'|'.join(sorted(CONNECTORS))}) )*{_CAP_WORD})*"
)
""":data:`_RUN` for text with no name behind a particle ("al-Assad"): every run begins with a capital letter, which
the pattern engine looks for quickly (it cannot, with the look-behind first)."""
_HYPHEN_CAPITAL = re.compile(rf"-{_UPPER}")


class _Run(NamedTuple):
    """A run of capitalised words in a paragraph (see :func:`_runs`)."""

    start: int
    """Offset of its first word in the paragraph."""
    text: str
    """Its words as written, one space apart."""
    at_start: bool
    """It begins a sentence (or follows an opening quote or bracket)."""


def _runs(text: str, sentence_starts: set[int]) -> Iterator[_Run]:
    """Runs of capitalised words, one space apart, with connectors inside ("Ministry of Foreign Affairs"). A
    possessive ends a run ("Japan's Hokkaido" is two)."""
    for m in (_RUN if _HYPHEN_CAPITAL.search(text) else _RUN_UPPER).finditer(text):
        run = m[0]
        if "'s " not in run and "’s " not in run:  # one run; it begins and ends with a capitalised word
            s = m.start()
            yield _Run(s, run, s in sentence_starts or (s > 0 and text[s - 1] in _QUOTE_OPEN + "("))
            continue
        words = run.split(" ")
        at, first = m.start(), 0
        for i, w in enumerate(words):
            if w.endswith(("'s", "’s")) and i < len(words) - 1:
                yield from _one_run(text, at, words[first : i + 1], sentence_starts)
                at += sum(len(x) + 1 for x in words[first : i + 1])
                first = i + 1
        yield from _one_run(text, at, words[first:], sentence_starts)


def _one_run(text: str, at: int, words: list[str], sentence_starts: set[int]) -> Iterator[_Run]:
    """The run of ``words`` (from offset ``at``) without connectors at either end."""
    i, j = 0, len(words)
    while j > i and words[j - 1] in CONNECTORS:
        j -= 1
    while i < j and words[i] in CONNECTORS:
        at += len(words[i]) + 1
        i += 1
    if i < j:
        yield _Run(at, " ".join(words[i:j]), at in sentence_starts or (at > 0 and text[at - 1] in _QUOTE_OPEN + "("))


def _words(run: str) -> list[tuple[int, int, str]]:
    """The words of a run's text with their offsets in it."""
    out, at = [], 0
    for w in run.split(" "):
        out.append((at, at + len(w), w))
        at += len(w) + 1
    return out


def _split_and(run: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """A run as the names it holds: "Russia and Japan" is two (one, if it ends in an organisation word: "Bosnia and
    Herzegovina Council"); so is "Envoy Rupert Hentzau of the Zenda Fisheries Agency" (a name of two words or more
    before "of" that does not end in a word that takes one: "Ministry of …", "Republic of …", "Summit of …")."""
    parts: list[list[tuple[int, int, str]]] = [[]]
    joined = _plain_word(run[-1][2]).lower() in ORG_WORDS
    takes_of = ORG_WORDS | FRAME_WORDS | EVENT_WORDS | PLACE_WORDS | TITLE_WORDS
    for t in run:
        w = t[2]
        if w == "and" and not joined:
            parts.append([])
        elif (
            w == "of"
            and len([x for x in parts[-1] if x[2] not in CONNECTORS]) >= 2
            and _plain_word(parts[-1][-1][2]).lower() not in takes_of
        ):
            parts.append([])
        else:
            parts[-1].append(t)
    out = []
    for part in parts:
        while part and part[0][2] in CONNECTORS:
            part = part[1:]
        if part:
            out.append(part)
    return out


_CONTRACTION = re.compile(r"['’](?:m|re|ll|ve|d|t)$", re.IGNORECASE)
_NUMERAL = re.compile(r"^(?:[IVX]+|One|Two|Three|Four|\d+)$")


def _role_of(words: list[str], titled: bool, before: str) -> str:
    last = _plain_word(words[-1]).lower()
    if len(words) > 1 and _NUMERAL.match(_plain_word(words[-1])):
        last = _plain_word(words[-2]).lower()  # World War II, Apollo 11
    if titled:
        return "person"
    if last in ORG_WORDS or (len(words) == 1 and words[0].isupper() and len(words[0]) <= 5):
        return "organisation"
    if last in EVENT_WORDS:
        return "event"
    if last in PLACE_WORDS or before in PLACE_CUES:
        return "place"
    if len(words) in (2, 3) and all(w[0].isupper() and not w.isupper() for w in words):
        return "person"
    return "name"


def _title_case(text: str) -> bool:
    """A headline or label in title case (no sentence: no final full stop), whose capitals say nothing."""
    if text.rstrip().endswith((".", "!", "?", '"', "”", ":")):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’\-]*", text) if w.lower() not in CONNECTORS]
    return len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words)


class _Part(NamedTuple):
    """A name that a run of capitalised words holds (the same in every run of the same words)."""

    start: int
    """Offset of its first word in the run."""
    end: int
    """Offset after its last word in the run."""
    name: str
    """The name (title and possessive left out)."""
    key: str
    """The name, case folded."""
    titled: bool
    """Preceded by a title (a person)."""
    initial: bool
    """The first word of a sentence."""
    role: str
    """What it looks like."""
    role_after_cue: str
    """What it looks like after a word that comes before places ("in", "to")."""


class _Names:
    """The names in runs of capitalised words, worked out once per distinct run: names recur, and so do the
    runs that hold them."""

    def __init__(self, lower_vocab: frozenset[str]) -> None:
        self.lower_vocab = lower_vocab
        self.memo: dict[tuple[str, bool], tuple[_Part, ...]] = {}

    def parts(self, run: _Run) -> tuple[_Part, ...]:
        key = (run.text, run.at_start)
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = tuple(self._parts(run.text, run.at_start))
        return got

    def _parts(self, text: str, at_start: bool) -> Iterator[_Part]:
        start = 0
        for part in _split_and(_words(text)):
            words = [w for _, _, w in part]
            # a sentence's first word is a name only when the text never writes it in lower case
            while (
                words
                and at_start
                and part[0][0] == start
                and (words[0].lower() in NOT_NAMES or _plain_word(words[0]).lower() in self.lower_vocab)
            ):
                part, words = part[1:], words[1:]
                start = part[0][0] if part else start
            titled = False
            k0 = 0
            while k0 < len(words) - 1 and _plain_word(words[k0]).lower() in TITLE_WORDS:
                k0 += 1
            heads = [i for i, w in enumerate(words[:-1]) if _plain_word(w).lower() in HEAD_TITLES]
            if (
                heads
                and heads[-1] + 1 > k0
                and all(_plain_word(w).lower() in TITLE_WORDS or w[:1].isupper() for w in words[: heads[-1]])
            ):
                k0 = heads[-1] + 1  # "Japanese Prime Minister Shinzo Abe": the name after the title
            if all(_plain_word(w).lower() in TITLE_WORDS for w in words):
                continue  # a title alone ("Foreign Minister")
            if k0 and any(_plain_word(w).lower() in HEAD_TITLES for w in words[:k0]):
                titled = True
                part, words = part[k0:], words[k0:]
            elif k0 and _plain_word(words[0]).lower() in ("mr", "mrs", "ms", "dr"):
                titled = True
                part, words = part[k0:], words[k0:]
            while words and (words[0].lower() in CONNECTORS or _plain_word(words[0]).lower() in NOT_NAMES):
                part, words = part[1:], words[1:]
            while words and words[-1].lower() in CONNECTORS:
                part, words = part[:-1], words[:-1]
            if not words:
                continue
            if len(words) == 1 and (
                _plain_word(words[0]).lower() in NOT_NAMES | TITLE_WORDS
                or len(_plain_word(words[0])) < 2
                or _CONTRACTION.search(words[0])
            ):
                continue
            s, e = part[0][0], part[-1][1]
            words[-1] = _plain_word(words[-1])
            name = " ".join(words)
            if not name:
                continue
            yield _Part(
                s,
                e,
                name,
                name.casefold(),
                titled,
                at_start and s == start,
                _role_of(words, titled, ""),
                _role_of(words, titled, "in"),
            )


def _names_in(text: _Text, names: _Names) -> Iterator[_Seen]:
    art = text.art
    # the outlet's own name ("(Reuters)" after a dateline, "The New Daily") is the source, not a subject
    outlet = {art.outlet.casefold()} | {w.casefold() for w in re.findall(r"\w+", art.outlet)} if art.outlet else set()
    for k, p in enumerate(art.paragraphs):
        dl = _DATELINE.match(p.text)
        if dl and len(dl[1]) >= 3 and not text.is_covered(p.number, dl.start(1), dl.end(1)):
            name = " ".join(w.capitalize() if w.isalpha() else w.title() for w in dl[1].split())
            yield _Seen(name, "place", False, False, 0, text.place(k, 0))
        if _title_case(p.text):
            continue  # a headline or label in title case: every word capitalised, names cannot be told apart
        for run in text.runs(k):
            if dl and run.start < dl.end(1):
                continue
            for part in names.parts(run):
                s, e = run.start + part.start, run.start + part.end
                if part.key in outlet or text.is_covered(p.number, s, e):
                    continue
                before = p.text[max(0, s - 12) : s].split()[-1:] or [""]
                yield _Seen(
                    part.name,
                    part.role_after_cue if before[0].lower() in PLACE_CUES else part.role,
                    part.titled,
                    part.initial,
                    s,
                    text.place(k, s),
                )


_LOWER_WORD = re.compile(r"\b[a-z][a-z'’\-]+\b")


def _lower_vocab(texts: Iterable[_Text]) -> frozenset[str]:
    """Words the articles write in lower case somewhere (a capitalised one at a sentence start is then no name)."""
    chunks: set[str] = set()  # no word runs over white space: each distinct chunk between spaces is read once
    for t in texts:
        for p in t.art.paragraphs:
            chunks.update(p.text.split())
    vocab: set[str] = set()
    for c in chunks:
        vocab.update(_LOWER_WORD.findall(c))
    return frozenset(vocab)


def _kind_for(role: str, model: Model, same_last: Counter) -> str | None:
    """The briefing's kind for a role: the kind of known entities whose names end alike, else the first kind whose
    id, label or plural says it holds such names."""
    if same_last:
        return same_last.most_common(1)[0][0]
    kinds = model.config.kinds
    wanted = ROLE_KIND_WORDS.get(role, ())
    for word in wanted:
        for k in kinds:
            if word in (k.id, k.label.lower(), k.plural.lower()) or word in k.id.split("-"):
                return k.id
    for word in ROLE_KIND_WORDS["person"] + ROLE_KIND_WORDS["organisation"]:  # a name: the briefing's main kind
        for k in kinds:
            if word in (k.id, k.label.lower()) and role == "name":
                return k.id
    return kinds[0].id if kinds and role == "name" else None


def _group_names(seen: list[_Seen], model: Model, aliases: dict[str, str]) -> list[NameSuggestion]:
    by_text: dict[str, list[_Seen]] = defaultdict(list)
    for s in seen:
        by_text[s.text.casefold()].append(s)
    # adjectives of names (Japanese beside Japan, known or seen) are no entities
    singles = {k for k in by_text if " " not in k} | {a for a in aliases if " " not in a}
    for key in [k for k in by_text if " " not in k and _demonym(k, singles - {k})]:
        del by_text[key]
    # a single word that ends a longer name of a person joins it (the surname alone)
    multi: dict[str, list[str]] = defaultdict(list)
    for key, group in by_text.items():
        words = key.split()
        if len(words) > 1 and Counter(s.role for s in group).most_common(1)[0][0] == "person":
            multi[words[-1]].append(key)
    # a single word that is the heart of one longer name: "Hetek" of "Republic of Hetek", "Krounafound" of
    # "Krounafound Island"
    framing = CONNECTORS | PLACE_WORDS | ORG_WORDS | FRAME_WORDS
    hearts: dict[str, list[str]] = defaultdict(list)
    for key in by_text:
        words = key.split()
        rest = [w for w in words if w not in framing]
        if len(words) > 1 and len(rest) == 1:
            hearts[rest[0]].append(key)
    groups: dict[str, list[str]] = {}
    for key in by_text:
        words = key.split()
        owner = key
        if len(words) == 1 and len(multi.get(key, ())) == 1:
            owner = multi[key][0]
        elif len(words) == 1 and len(hearts.get(key, ())) == 1:
            owner = hearts[key][0]
        groups.setdefault(owner, []).append(key)
    # kinds of known entities by the last word of their names ("… Council" → organisation)
    last_kinds: dict[str, Counter] = defaultdict(Counter)
    for e in model.entities.values():
        for a in e.spec.aliases:
            w = a.text.split()
            if len(w) > 1:
                last_kinds[w[-1].casefold()][e.kind.id] += 1
    used_ids = set(model.entities)
    out = []
    for owner, keys in groups.items():
        members = [s for key in keys for s in by_text[key]]
        forms = Counter(s.text for s in members)
        name = max(forms, key=lambda f: (len(f.split()) if f.casefold() == owner else 0, forms[f], f))
        if name.casefold() in aliases:
            continue
        roles = Counter(s.role for s in members)
        role = roles.most_common(1)[0][0]
        if role == "name" and len(roles) > 1:
            role = next(r for r, _ in roles.most_common() if r != "name")
        words = name.split()
        same = last_kinds.get(words[-1].casefold(), Counter()) if len(words) > 1 else Counter()
        kind = _kind_for(role, model, same)
        arts = {s.place.article for s in members}
        titled = any(s.title for s in members)
        score = (
            len(members)
            + 2.0 * (len(arts) - 1)
            + (1.5 if len(words) > 1 else 0.0)
            + (2.0 if titled else 0.0)
            + (1.0 if role != "name" else 0.0)
            - (1.5 if len(members) == 1 and len(words) == 1 else 0.0)
            - (4.0 if len(words) == 1 and all(s.initial for s in members) else 0.0)
        )
        if len(words) == 1 and all(s.initial for s in members) and len(members) > 1:
            score *= 0.1  # only ever a sentence's first word: "Analysts say…", "Neither side…"
        ident = slugify(name) or "entity"
        base, n = ident, 2
        while ident in used_ids:
            ident, n = f"{base}-{n}", n + 1
        used_ids.add(ident)
        places = tuple(sorted((s.place for s in members), key=lambda p: (p.article, p.paragraph)))
        out.append(
            NameSuggestion(
                ident,
                kind,
                role,
                name,
                tuple(sorted(f for f in forms if f != name)),
                len(members),
                len(arts),
                round(score, 2),
                places,
            )
        )
    out.sort(key=lambda n: (-n.score, n.name.casefold()))
    return out


# -- near-misses -----------------------------------------------------------------------------------------------------


def _near_misses(texts: list[_Text], model: Model, aliases: dict[str, str]) -> list[NearMiss]:
    """Capitalised runs and words one or two letters from a known alias (not equal to any)."""
    choices = [a for a in aliases if len(a) >= 4]
    if not choices:
        return []
    seen: dict[str, list[tuple[_Text, int, int]]] = defaultdict(list)  # places made only for the near-misses
    forms_of: dict[str, tuple[str, ...]] = {}  # a run's words and whole that are no alias, by the run
    for t in texts:
        for k in range(len(t.art.paragraphs)):
            for run in t.runs(k):
                forms = forms_of.get(run.text)
                if forms is None:
                    words = [_plain_word(w) for w in run.text.split(" ")]
                    forms = forms_of[run.text] = tuple(
                        f
                        for f in {" ".join(words)} | {w for w in words if len(w) >= 4}
                        if f.casefold() not in aliases and len(f) >= 4
                    )
                for f in forms:
                    seen[f].append((t, k, run.start))
    by_length: dict[int, list[str]] = defaultdict(list)  # 85 % alike and at most 2 letters apart in length
    for a in choices:
        by_length[len(a)].append(a)
    out = []
    for key, places in seen.items():
        folded = key.casefold()
        near = [a for n in range(len(folded) - 2, len(folded) + 3) for a in by_length.get(n, ())]
        got = process.extractOne(folded, near, scorer=fuzz.ratio, score_cutoff=85) if near else None
        if got is None:
            continue
        alias, score, _ = got
        if abs(len(alias) - len(folded)) > 2 or (" " not in folded and _demonym(folded, {alias})):
            continue
        eid = aliases[alias]
        shown = next((a.text for a in model.entities[eid].spec.aliases if a.text.casefold() == alias), alias)
        out.append(NearMiss(key, eid, shown, round(score, 1), tuple(t.place(k, at) for t, k, at in places)))
    # a run that is a near-miss as a whole stands for its words
    whole = {n.text for n in out if " " in n.text}
    out = [n for n in out if " " in n.text or not any(n.text in w.split() for w in whole)]
    out.sort(key=lambda n: (-len(n.places), -n.similarity, n.text))
    return out


# -- quotes -----------------------------------------------------------------------------------------------------------


def _subject_of(text: _Text, k: int, verb: re.Match, lo: int, hi: int) -> str | None:
    """The entity named just before a speech verb (within :data:`NEAR_VERB` characters, no sentence end between)
    or right after it ("said Lavrov", "said envoy Brojastar"), within ``lo``..``hi``."""
    p = text.art.paragraphs[k].text
    before = sorted(
        (
            m
            for m in text.mentions.get(text.art.paragraphs[k].number, ())
            if lo <= m.start
            and m.end <= verb.start()
            and verb.start() - m.end <= NEAR_VERB
            and not re.search(r"[.!?\"“”]", p[m.end : verb.start()])
        ),
        key=lambda m: -m.end,
    )
    for m in before:
        between = p[m.end : verb.start()]
        # right before the verb ("Putin said"), before an aside ("Kaifu, a spokesman …, said"), or with no comma
        if not between.strip() or re.fullmatch(r",[^,]*,\s*", between) or "," not in between:
            return m.entity
    for m in text.mentions.get(text.art.paragraphs[k].number, ()):
        if (
            verb.end() <= m.start <= verb.end() + 30
            and m.end <= hi
            and re.fullmatch(r"[\s\w\-]*", p[verb.end() : m.start])
        ):
            return m.entity
    return None


def _quotes(texts: list[_Text], model: Model) -> list[QuoteSuggestion]:
    done: dict[str, list[str]] = defaultdict(
        list
    )  # annotated quotes by article: a suggestion is checked against its own
    for qs in model.quotes.values():
        for q in qs:
            done[q.spec.source].append(normalize(q.spec.text))
    out = []
    for t in texts:
        last: str | None = None  # who spoke last (named with a speech verb)
        before_speaker: str | None = None  # who was quoted in the paragraph before
        for k, p in enumerate(t.art.paragraphs):
            text = p.text
            in_quotes = list(_QUOTED.finditer(text))
            # speech verbs tell who speaks only beside quotes or mentions
            verbs = list(_VERB.finditer(text)) if in_quotes or p.number in t.mentions else []
            speaker_here: str | None = None
            for m in in_quotes:
                words = m[1].strip().rstrip(",")
                a, _ = t.sentence_at(k, m.start())
                speaker, how = None, ""
                # after the quote: "…," Lavrov said / said Lavrov / he said
                after = next((v for v in verbs if m.end() <= v.start() <= m.end() + 80), None)
                if after is not None and not re.search(r"[.!?]\s", text[m.end() : after.start()]):
                    speaker = _subject_of(t, k, after, m.end(), len(text))
                    how = text[m.end() : after.end() + 30].strip(" ,").split(".")[0]
                    pronoun = _PRONOUN_AFTER.match(text, m.end())
                    if speaker is None and pronoun and last is not None:
                        speaker, how = last, f"{pronoun[1]} {after[0]} (the last named speaker)"
                # before it, in its sentence: Lavrov said: "…" / Putin said that … “…”
                if speaker is None:
                    before = [v for v in verbs if a <= v.start() and v.end() <= m.start()]
                    for v in reversed(before):
                        speaker = _subject_of(t, k, v, a, m.start())
                        if speaker is not None:
                            how = text[max(a, v.start() - 40) : v.end()].strip()
                            break
                        if _PRONOUN_BEFORE.search(text, a, v.start()) and last is not None:
                            speaker, how = last, f"{text[a : v.end()].split()[-2]} {v[0]} (the last named speaker)"
                            break
                if (
                    speaker is None
                    and before_speaker is not None
                    and m.start() <= 1
                    and m.end() >= len(text.rstrip()) - 1
                ):
                    speaker, how = before_speaker, "the quote of the paragraph before, continued"
                if speaker is None:
                    continue
                last = speaker_here = speaker
                n = normalize(words)
                if any(n in d or d in n for d in done.get(t.art.slug, ()) if d):
                    continue
                out.append(QuoteSuggestion(speaker, " ".join(words.split()), t.art.slug, how, t.place(k, m.start())))
            before_speaker = speaker_here
            quoted = [(m.start(), m.end()) for m in in_quotes]
            for v in verbs:  # who speaks here outside quotes, for a "he said" further on
                if any(s <= v.start() < e for s, e in quoted):
                    continue
                who = _subject_of(t, k, v, 0, len(text))
                if who is not None:
                    last = who
    return out


# -- facts ------------------------------------------------------------------------------------------------------------

_MONTHS = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?$", re.IGNORECASE)
_MONTH_AFTER = re.compile(r"\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE)
_NOUN_AFTER = re.compile(
    r"\s+((?:[a-z][\w\-]*\s+){0,2}?(?:[a-z][\w\-]*s|people|men|women|children|personnel|staff|"
    r"police|cattle))\b"
)
"""A counted noun after a figure ("20,000 people", "four new military barracks"): plural, up to two words before it."""


_DIGITISH = re.compile(r"[\d$€£¥]")
_NUMBER_WORDS = frozenset(w for w in WORD_NUMBERS if " " not in w)


def _numberish(text: str) -> bool:
    """Whether ``text`` may hold a figure: a digit, a currency sign or a number word (a cheap test before the
    figure pattern, which is slow to run over all text)."""
    return bool(_DIGITISH.search(text)) or not _NUMBER_WORDS.isdisjoint(re.findall(r"[a-z]+", text.lower()))


_DIGIT = re.compile(r"[0-9]")
_BEFORE_FIGURE = re.compile(r"\s*(?:\$(?:[Ss][Uu])?)?\s*\.?\s*(?:[A-Za-z~]+(?:\s+[A-Za-z~]+){0,2})?")
"""Read backwards from a digit (ASCII text): as far as a figure's approximation words, full stop, spaces and currency
sign before its number may reach ("approx. US$ 5", "in excess of 300")."""


def _figures(text: str, a: int, b: int) -> Iterator[re.Match]:
    """``AMOUNT_RE.finditer(text, a, b)``, the same figures; where they can only be digits (ASCII text, no number
    word) the slow pattern is tried only from where the words before the next digit may begin one."""
    part = text[a:b]
    if not part.isascii() or not _NUMBER_WORDS.isdisjoint(re.findall(r"[a-z]+", part.lower())):
        yield from AMOUNT_RE.finditer(text, a, b)
        return
    pos = a
    while (digit := _DIGIT.search(text, pos, b)) is not None:
        d = digit.start()
        before = _BEFORE_FIGURE.match(text[pos:d][::-1])
        m = AMOUNT_RE.search(text, d - before.end() if before else d, b)
        if m is None:
            return
        yield m
        pos = m.end()


def _facts(texts: list[_Text], model: Model) -> list[FactSuggestion]:
    done: dict[str, list[str]] = defaultdict(list)  # annotated facts' quotes by article
    for fs in model.facts.values():
        for f in fs:
            if f.spec.quote and f.spec.source:
                done[f.spec.source].append(normalize(f.spec.quote))
    out = []
    for t in texts:
        for k, p in enumerate(t.art.paragraphs):
            mentions = t.mentions.get(p.number, ())
            if not mentions or not _numberish(p.text):
                continue  # a figure is suggested only beside an entity
            sentences = sorted({t.sentence_at(k, mm.start) for mm in mentions})
            found = [m for a, b in sentences if _numberish(p.text[a:b]) for m in _figures(p.text, a, b)]
            for m in found:
                if not (m["num"] or m["word"]):
                    continue
                num = m["num"] or ""
                if num and re.fullmatch(r"1[5-9]\d\d|20\d\d", num) and not (m["unit"] or m["sign"] or m["mult"]):
                    continue  # a year
                if _MONTHS.search(p.text[max(0, m.start() - 10) : m.start()]) or _MONTH_AFTER.match(p.text, m.end()):
                    continue  # a date
                unit = UNITS.get(" ".join(m["unit"].lower().split())) if m["unit"] else None
                if m["sign"]:
                    unit = UNITS.get(m["sign"].lower(), unit)
                noun = _NOUN_AFTER.match(p.text, m.end())
                if unit is None and noun is None:
                    continue
                if m["word"] and unit is None and not m["approx"]:
                    continue  # "two sides": a number word counts only with a unit or approximation
                a, b = t.sentence_at(k, m.start())
                sentence = p.text[a:b].strip()
                n = normalize(sentence)
                if any(d and (d in n or n in d) for d in done.get(t.art.slug, ())):
                    continue
                near = [mm for mm in t.mentions.get(p.number, ()) if a <= mm.start < b]
                if not near:
                    continue
                subject = min(near, key=lambda mm: abs(mm.start - m.start())).entity
                value = m[0].strip() + (f" {noun[1]}" if noun and unit is None else "")
                last_noun = noun[1].split()[-1].lower() if noun else ""
                prop = MEASURE_PROPERTIES.get(unit or "", "") or (
                    "population"
                    if last_noun in POPULATION_NOUNS or "population" in sentence.lower()
                    else f"number of {last_noun}"
                    if last_noun
                    else "figure"
                )
                out.append(FactSuggestion(subject, prop, value, sentence, t.art.slug, t.place(k, m.start())))
    out.sort(key=lambda f: (f.property.startswith("number of"), f.source, f.place.paragraph))
    return out


# -- the stage ----------------------------------------------------------------------------------------------------------


@gcpolicy.pausing  # hundreds of thousands of small acyclic objects (see briefgen/gcpolicy.py)
def suggest(model: Model, only: str | None = None) -> Suggestions:
    """Every suggestion for the model's articles. ``only``: a suggestion kind (:data:`SUGGESTION_KINDS`) or an
    entity kind of the briefing (names guessed to be of that kind)."""
    texts = [_Text(a) for a in model.articles.values()]
    aliases = {a.text.casefold(): e.spec.id for e in model.entities.values() for a in e.spec.aliases}

    def want(k: str) -> bool:
        return only is None or only == k or (only not in SUGGESTION_KINDS and k == "names")

    names: list[NameSuggestion] = []
    if want("names"):
        found = _Names(_lower_vocab(texts))
        seen = [s for t in texts for s in _names_in(t, found)]
        names = _group_names(seen, model, aliases)
        if only is not None and only not in SUGGESTION_KINDS:
            names = [n for n in names if n.kind == only]
    near = _near_misses(texts, model, aliases) if want("near-misses") else []
    if near and names:  # a name that nearly is an alias is a near-miss, not a new entity
        close = {n.text.casefold() for n in near}
        names = [n for n in names if n.name.casefold() not in close]
    return Suggestions(
        tuple(names),
        tuple(near),
        tuple(_quotes(texts, model)) if want("quotes") else (),
        tuple(_facts(texts, model)) if want("facts") else (),
    )
