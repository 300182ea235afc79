"""Deterministic generator of synthetic briefings, for benchmarks and scaling tests.

Usage::

    python benchmarks/synth.py --articles 2000 --entities 300 --seed 1 --out DIR

writes a complete briefing folder ``DIR/content/`` (any previous ``DIR/content`` is replaced; ``build/`` and
``site/`` are left alone):

* ``briefing.yml`` with seven kinds (actor, place, organisation, meeting — the timeline kind —, issue,
  document) and ref/refs/roles/dates/coordinates/number/markdown fields;
* ``entities/*.yml``: entities with aliases (single-word surnames, multi-word names, ``case: ignore`` titles
  such as "foreign minister Kestrel"), summaries citing article paragraphs, facts (sourced with a verbatim
  quote, or general-knowledge references) and quotes;
* ``articles/*.txt`` + ``.yml``: captures of 400–800 story words between the usual page furniture (masthead,
  headline, byline, dateline, "Advertisement", share lines, a newsletter/subscription block, "READ MORE"
  links, a copyright footer, now and then a paragraph printed twice), mentioning entities through their
  aliases; annotations with metadata, facts and quotes whose words really occur in story paragraphs;
* ``overview.md`` with entity links, mentions and citations.

Entity popularity follows a Zipf law, so the most popular entities are mentioned in most articles (their
"Mentioned in" lists are long, as in a real briefing). Everything is drawn from one ``random.Random(seed)``:
the same arguments give byte-identical files. The result passes ``briefgen check --strict``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

VERSION = 1
"""Bumped whenever the output for given arguments changes (benchmarks/run.py reuses folders by it)."""

AS_OF = dt.date(2019, 12, 31)
START = dt.date(2016, 1, 1)

# --------------------------------------------------------------------------------------------- names

_ONSETS = ["b", "d", "k", "l", "m", "n", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr", "st", "gr", "f", "h",
           "p", "sh", "vl", "g", "j"]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "ai", "ei", "ou"]
_CODAS = ["", "", "", "n", "r", "s", "l", "k", "m", "v", "sk", "nd"]
_FIRST = ["Dario", "Mirela", "Tomas", "Ilse", "Anton", "Katya", "Pavel", "Yuna", "Oskar", "Lena", "Ivo", "Marta",
          "Kenji", "Sofia", "Radu", "Elin", "Bogdan", "Hana", "Luka", "Nadia", "Emil", "Vera", "Arno", "Rina",
          "Stefan", "Ada", "Milos", "Ines", "Goran", "Talia", "Viktor", "Noor", "Petra", "Aleks", "Mira", "Jonas"]
_TITLES = ["Foreign Minister", "Prime Minister", "President", "Defence Minister", "Trade Minister", "Governor",
           "Ambassador", "Deputy Foreign Minister", "Energy Minister", "Fisheries Minister", "Senator", "Envoy"]
_ORG_TYPES = [("Council", "intergovernmental council"), ("Agency", "government agency"),
              ("Corporation", "state-owned company"), ("Commission", "joint commission"),
              ("Institute", "research institute"), ("Fund", "development fund")]
_ORG_FIELDS = ["Energy", "Fisheries", "Maritime", "Trade", "Border", "Development", "Shipping", "Security"]
_ISSUE_TYPES = ["fisheries dispute", "border question", "energy corridor", "customs union", "visa regime",
                "pipeline project", "maritime boundary", "peace accord"]
_OUTLETS = ["The Meridian Herald", "Northern Courier", "Daily Ledger", "The Coastal Tribune", "Harbour Times",
            "The Evening Dispatch", "Continental Review", "The Morning Record", "Eastern Observer",
            "The Capital Gazette", "Pacific Wire Service", "The Strait Journal"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

_COMMON = set("""the and that with from this have were said will would their there about which after before
other could should these those while since under over into more most some such than then when where what
minister ministers government talks state states island islands city port summit council agency""".split())


class Names:
    """Unique made-up words (no two entities share an alias, whatever the case)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: tuple[int, int] = (2, 3)) -> str:
        while True:
            n = self.rng.randint(*syllables)
            w = "".join(self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) for _ in range(n))
            w = (w + self.rng.choice(_CODAS)).capitalize()
            if 5 <= len(w) <= 11 and w.casefold() not in self.used and w.casefold() not in _COMMON:
                self.used.add(w.casefold())
                return w

    def claim(self, text: str) -> bool:
        """Reserve an alias text; False when any entity (or word) already has it, whatever the case."""
        key = text.casefold()
        if key in self.used:
            return False
        self.used.add(key)
        return True


# ------------------------------------------------------------------------------------------ entities

@dataclass
class Ent:
    id: str
    kind: str
    name: str
    aliases: list = field(default_factory=list)
    """Extra aliases: plain strings (briefing case rule) or ``{text, case}`` mappings."""
    forms: list[str] = field(default_factory=list)
    """How articles refer to the entity after the first mention (each form matches an alias)."""
    fields: dict = field(default_factory=dict)
    summary_bits: list[str] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)
    title: str = ""
    surname: str = ""
    state: str | None = None
    place_word: str = ""


def _split(n: int) -> dict[str, int]:
    """How many entities of each kind for ``n`` entities in all (at least one of each)."""
    shares = [("state", 0.06), ("place", 0.14), ("organisation", 0.12), ("issue", 0.10), ("meeting", 0.14),
              ("document", 0.04)]
    out = {k: max(1 if k != "state" else 2, round(n * s)) for k, s in shares}
    out["person"] = max(2, n - sum(out.values()))
    return out


def make_entities(n: int, rng: random.Random, names: Names) -> list[Ent]:
    counts = _split(n)
    ents: list[Ent] = []
    states = []
    for i in range(counts["state"]):
        w = names.word()
        e = Ent(f"state-{w.lower()}", "actor", w, fields={"type": "state", "side": w})
        long = f"Republic of {w}"
        if names.claim(long):
            e.aliases.append(long)
            e.forms.append(long)
        e.forms.append(w)
        e.summary_bits.append(f"{w} is one of the states whose relations this briefing follows.")
        states.append(e)
    ents += states
    places = []
    for i in range(counts["place"]):
        w = names.word()
        st = rng.choice(states)
        island = rng.random() < 0.4
        name = f"{w} Island" if island else w
        names.claim(name)
        e = Ent(f"place-{w.lower()}", "place", name, state=st.id, place_word=w,
                fields={"coordinates": [round(rng.uniform(-60, 70), 3), round(rng.uniform(-170, 170), 3)],
                        "country": st.id})
        if island:
            e.forms.append(name)
        else:
            city = f"city of {w}"
            if names.claim(city):
                e.aliases.append({"text": city, "case": "ignore"})
            e.forms += [w, f"the City of {w}"]
        e.summary_bits.append(f"{'An island' if island else 'A city'} of {st.name}.")
        places.append(e)
    ents += places
    persons = []
    for i in range(counts["person"]):
        first = rng.choice(_FIRST)
        sur = names.word()
        name = f"{first} {sur}"
        names.claim(name)
        title = rng.choice(_TITLES)
        st = rng.choice(states)
        e = Ent(f"{first.lower()}-{sur.lower()}", "actor", name, title=title, surname=sur, state=st.id)
        e.aliases.append(sur)
        titled = f"{title} {sur}"
        if names.claim(titled):
            e.aliases.append({"text": titled, "case": "ignore"})
            e.forms += [sur, sur, f"{title.lower()} {sur}", titled]
        else:
            e.forms += [sur]
        start = START - dt.timedelta(days=rng.randint(100, 2000))
        e.fields = {"type": "person", "side": st.name,
                    "roles": [{"title": title, "org": st.id, "from": start.isoformat(), "side": st.name}],
                    "country": st.id}
        e.summary_bits.append(f"{title} of {st.name}.")
        persons.append(e)
    ents += persons
    for i in range(counts["organisation"]):
        w = names.word()
        kind, what = rng.choice(_ORG_TYPES)
        area = rng.choice(_ORG_FIELDS)
        name = f"{w} {area} {kind}"
        names.claim(name)
        st = rng.choice(states)
        e = Ent(f"org-{w.lower()}", "organisation", name, state=st.id,
                fields={"type": what, "country": st.id, "location": rng.choice(places).id})
        acronym = f"{w[0]}{area[0]}{kind[0]}{w[1].upper()}"
        if names.claim(acronym):
            e.aliases.append(acronym)
            e.forms.append(acronym)
        short = f"{w} {kind.lower()}"
        if names.claim(short):
            e.aliases.append({"text": short, "case": "ignore"})
            e.forms.append(f"{w} {kind}")
        e.forms.append(name)
        e.summary_bits.append(f"A {what} based in {st.name}.")
        ents.append(e)
    issues = []
    for i in range(counts["issue"]):
        w = names.word()
        what = rng.choice(_ISSUE_TYPES)
        name = f"{w} {what}"
        names.claim(name)
        e = Ent(f"issue-{w.lower()}", "issue", name, place_word=w)
        row = f"{w} {what.split()[0]} row"
        if names.claim(row):
            e.aliases.append({"text": row, "case": "ignore"})
            e.forms += [row, f"{w} {what.split()[0].capitalize()} Row"]
        e.forms.append(name)
        e.summary_bits.append(f"A question between the states of this briefing: the {what} around {w}.")
        issues.append(e)
        ents.append(e)
    meetings = []
    for i in range(counts["meeting"]):
        for _ in range(100):
            p = rng.choice(places)
            day = START + dt.timedelta(days=rng.randint(0, (AS_OF - START).days - 30))
            name = f"{p.place_word} Summit of {_MONTHS[day.month - 1]} {day.year}"
            other = f"{_MONTHS[day.month - 1]} {day.year} summit in {p.place_word}"
            if names.claim(name) and names.claim(other):
                break
        else:  # pragma: no cover - with ~250 places and 48 months this cannot fail
            raise RuntimeError("could not name a meeting")
        days = [day.isoformat()] + ([(day + dt.timedelta(days=1)).isoformat()] if rng.random() < 0.3 else [])
        participants = [x.id for x in rng.sample(persons, min(len(persons), rng.randint(2, 4)))]
        e = Ent(f"meeting-{day.isoformat()}-{p.place_word.lower()}", "meeting", name, place_word=p.place_word,
                fields={"date": days, "place": p.id, "participants": participants,
                        "topics": [x.id for x in rng.sample(issues, min(len(issues), rng.randint(1, 2)))],
                        "status": "held"})
        e.aliases.append({"text": other, "case": "ignore"})
        e.forms += [name, other, other[0].lower() + other[1:]]
        meetings.append(e)
        ents.append(e)
    for i in range(counts["document"]):
        w = names.word()
        year = rng.randint(1950, 2015)
        name = f"{w} Declaration of {year}"
        names.claim(name)
        e = Ent(f"document-{w.lower()}-{year}", "document", name,
                fields={"date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "parties": [x.id for x in rng.sample(states, 2)], "status": "in force"})
        e.forms += [name, f"{year} {w} Declaration"]
        names.claim(f"{year} {w} Declaration")
        e.aliases.append(f"{year} {w} Declaration")
        ents.append(e)
    seen_ids = set()
    for e in ents:  # ids are unique because every name word is
        assert e.id not in seen_ids, e.id
        seen_ids.add(e.id)
    return ents


def filler_aliases(n: int, seed: int) -> list[str]:
    """``n`` further made-up aliases (for the linking micro-benchmark): they never occur in articles."""
    names = Names(random.Random(f"aliases-{seed}"))
    out = []
    while len(out) < n:
        w = names.word((3, 4))
        out.append(w if len(out) % 3 else f"{w} {names.word()}")
    return out


# ------------------------------------------------------------------------------------------ prose

_CLAUSES = [
    "the two sides had narrowed their differences over the past year",
    "no agreement could be reached before the end of the season",
    "a working group would report back within three months",
    "the question had been left unresolved for far too long",
    "further consultations were planned at the level of deputy ministers",
    "the talks had been held in a businesslike atmosphere",
    "any settlement would have to be approved by parliament",
    "the fishing fleets of both countries needed clear rules",
    "public opinion remained sharply divided on the matter",
    "the economic projects could go ahead without prejudice to legal positions",
    "the agreement would be reviewed every five years",
    "a hotline between the two coast guards would be set up",
    "the customs procedures at the border would be simplified",
    "the visa-free exchanges for former residents would continue",
    "both governments wanted to avoid an escalation",
    "investors were waiting for a clearer legal framework",
    "the ferry service would resume in the spring",
    "the negotiators had exchanged draft texts",
    "military exercises near the coast had strained relations",
    "the previous round had ended without a joint statement",
]
_OPENERS = ["Officials familiar with the negotiations said", "Diplomats in the region noted", "Analysts said",
            "Local residents told reporters", "A government spokesperson said", "Observers pointed out",
            "Several lawmakers argued", "Business leaders said", "People close to the delegation said",
            "Commentators in the capital wrote"]
_FILLER = [
    "The weather on the coast delayed several flights, and some delegates arrived a day late.",
    "Trade between the two economies grew by {pct} percent last year, according to official figures.",
    "The region has a population that has declined steadily since the 1990s.",
    "Fishing remains the main source of income for most families living along the coast.",
    "The next round of consultations is expected to take place before the end of the year.",
    "Past attempts to settle the question have foundered on the sequence of steps each side demands.",
    "Economists estimate that joint projects could create around {num} jobs over a decade.",
    "A ferry link carries passengers and freight across the strait {num2} times a week in summer.",
    "The harbour was modernised with the help of a loan worth {num} million dollars.",
    "Polls published in {month} suggested that most voters favour a compromise.",
    "Opposition parties criticised the government for what they called a lack of transparency.",
    "The negotiations have been overshadowed by disputes over sanctions and energy prices.",
    "Neither side has published the draft texts that were exchanged during the talks.",
    "Border guards reported {num2} incidents involving fishing boats in the first half of the year.",
    "The local airport reopened after repairs to its runway were completed in {month}.",
    "Independent experts have called for a joint environmental survey of the surrounding waters.",
    "The governor of the province has asked for more investment in roads and schools.",
    "Earlier agreements on humanitarian visits for former residents remain in force.",
    "Shipping companies have complained about long waits for permits at the port.",
    "A delegation of business people is due to visit the region next month.",
]
_WITH_PERSON = [
    "{a} said on {day} that {clause}.",
    "According to {a}, {clause}.",
    "{a} told a press conference that {clause}.",
    "Speaking after the meeting, {a} said {clause}.",
    "{a} is expected to raise the matter again at the next round of talks.",
    "In an interview with state television, {a} insisted that {clause}.",
    "{a} declined to comment on reports that {clause}.",
]
_WITH_TWO = [
    "{a} and {b} met for {h} hours on {day}.",
    "{a} held a phone call with {b} earlier in the week.",
    "{a} thanked {b} for what was described as a frank exchange of views.",
    "{b} said after meeting {a} that {clause}.",
]
_WITH_STATE = [
    "{s} has said repeatedly that {clause}.",
    "Relations between {s} and {s2} have warmed since the last summit.",
    "{s} and {s2} have never signed a treaty settling the question.",
    "The government of {s} said in a statement that {clause}.",
    "{s} has deployed additional patrol boats to the area, officials said.",
]
_WITH_PLACE = [
    "The talks took place in {p}, where security was tight.",
    "Residents of {p} have followed the negotiations closely.",
    "{p} lies at the centre of the {i}.",
    "New housing and a hospital have been built in {p} over the past three years.",
    "Protesters gathered in {p} on {day} to demand a say in any settlement.",
]
_WITH_ORG = [
    "The {o_name} said it was ready to finance the first projects.",
    "A report by the {o} warned that {clause}.",
    "Officials from the {o} took part in the technical consultations.",
]
_WITH_ISSUE = [
    "The {i} has overshadowed relations for decades.",
    "Progress on the {i} is seen as a condition for a wider agreement.",
    "Both sides agreed to set up a working group on the {i}.",
]
_WITH_MEETING = [
    "The {m} was the first such meeting in more than a year.",
    "At the {m}, the delegations agreed to meet again within six months.",
    "Preparations for the {m} took several weeks.",
]
_WITH_DOC = [
    "Both sides referred to the {d}, which remains the basis of the talks.",
    "The {d} provides for the handover of the territory after a peace treaty.",
]
_QUOTE_OPEN = ["We are ready to", "Our government will continue to", "Nobody should expect us to",
               "It is too early to", "We have agreed to", "There is no reason to", "We will not",
               "It is time to", "Our people want us to", "We intend to"]
_QUOTE_VERB = ["discuss", "review", "settle", "postpone", "revisit", "expand", "reconsider", "finalise",
               "defend", "negotiate"]
_QUOTE_OBJ = ["the fishing quotas", "the border arrangements", "the customs regime", "the energy corridor",
              "the question of the islands", "the joint economic projects", "the visa rules",
              "the shipping lanes", "the treaty text", "the investment plan", "the coast guard protocol"]
_QUOTE_END = ["this year", "before the winter", "in good faith", "step by step", "without preconditions",
              "with our partners", "as soon as possible", "at the next summit"]
_QUOTE_TAIL = ["{a} said on {day}", "{a} told reporters in {p}", "{a} said after the talks",
               "said {a}", "{a} said in a statement"]
_FACT_PLACE = "The population of {p} is around {n} people."
_FACT_MEETING = "The talks at the {m} lasted about {h} hours."
_FACT_ORG = "The {o} has a budget of about {n} million dollars."
_FACT_STATE = "{s} has about {n} troops stationed in the area."

_BOILER_TOP = ["Advertisement", "ADVERTISEMENT", "Advertisement - Continue Reading Below"]
_SHARE = ["Share on Facebook | Twitter | Email", "Share this article", "Share | Tweet | Email | Print",
          "Facebook Twitter WhatsApp Email"]
_PROMO = [("Subscribe to our newsletter", "Get the day's top headlines delivered to your inbox every morning"),
          ("Sign up for our daily briefing", "Free, straight to your inbox"),
          ("Subscribe now", "Unlimited digital access from $1 a week")]


def _fmt_num(rng: random.Random, lo: int, hi: int) -> str:
    return f"{rng.randint(lo, hi):,}"


@dataclass
class Sentence:
    text: str
    entities: tuple[str, ...] = ()
    citable: bool = True
    """Plain text (no quotation marks): usable as the words of a citation."""


@dataclass
class Article:
    slug: str
    date: dt.date
    outlet: str
    title: str
    byline: str
    paragraphs: list[list[Sentence]]
    facts: list[dict]
    quotes: list[dict]
    notes: str | None = None


class Writer:
    """Writes the story text of one article, remembering which forms of which entities it used."""

    def __init__(self, rng: random.Random, by_id: dict[str, Ent]):
        self.rng = rng
        self.by_id = by_id
        self.seen: set[str] = set()

    def ref(self, e: Ent) -> str:
        if e.id not in self.seen:
            self.seen.add(e.id)
            return e.name
        return self.rng.choice(e.forms or [e.name])

    def fill(self, template: str, cast: dict[str, Ent | None]) -> Sentence:
        rng = self.rng
        values = {"day": rng.choice(_WEEKDAYS), "clause": rng.choice(_CLAUSES), "h": rng.randint(2, 9),
                  "pct": rng.randint(2, 19), "num": _fmt_num(rng, 200, 9000), "num2": rng.randint(3, 40),
                  "month": rng.choice(_MONTHS)}
        used = []
        for key, e in cast.items():
            if e is None or "{" + key not in template:
                continue
            used.append(e.id)
            if key == "o_name":
                values[key] = e.name
            else:
                values[key] = self.ref(e)
        text = template.format(**values)
        return Sentence(text[0].upper() + text[1:], tuple(used))


def make_articles(n: int, ents: list[Ent], rng: random.Random, names: Names) -> list[Article]:
    by_id = {e.id: e for e in ents}
    of = {k: [e for e in ents if e.kind == k] for k in ("actor", "place", "organisation", "issue", "meeting", "document")}
    persons = [e for e in of["actor"] if e.surname]
    states = [e for e in of["actor"] if not e.surname]
    popular = [e for e in ents if e.kind != "meeting"]
    rng.shuffle(popular)
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(popular))]
    reporters = [f"{rng.choice(_FIRST)} {names.word()}" for _ in range(40)]
    span = (AS_OF - START).days
    articles: list[Article] = []
    for idx in range(n):
        meeting = rng.choice(of["meeting"]) if rng.random() < 0.3 else None
        if meeting is not None:
            date = dt.date.fromisoformat(meeting.fields["date"][-1]) + dt.timedelta(days=rng.randint(0, 3))
        else:
            date = START + dt.timedelta(days=rng.randint(0, span))
        cast_pool: list[Ent] = []
        for e in rng.choices(popular, weights, k=rng.randint(4, 8)):
            if e not in cast_pool:
                cast_pool.append(e)
        if meeting is not None:
            cast_pool = [meeting] + [by_id[i] for i in meeting.fields["participants"]] + \
                [by_id[meeting.fields["place"]]] + cast_pool
        pick = lambda kind, k=None: [e for e in cast_pool if e.kind == kind and (k is None or k(e))]  # noqa: E731
        c_persons = pick("actor", lambda e: bool(e.surname)) or [rng.choice(persons)]
        c_states = pick("actor", lambda e: not e.surname) or [rng.choice(states)]
        c_places = pick("place") or [rng.choice(of["place"])]
        c_orgs = pick("organisation")
        c_issues = pick("issue") or [rng.choice(of["issue"])]
        c_docs = pick("document")
        w = Writer(rng, by_id)

        def cast() -> dict[str, Ent | None]:
            a, b = (rng.sample(c_persons, 2) if len(c_persons) > 1 else
                    (c_persons[0], rng.choice([x for x in persons if x is not c_persons[0]])))
            s = rng.choice(c_states)
            s2 = rng.choice([x for x in (c_states if len(c_states) > 1 else states) if x is not s])
            return {"a": a, "b": b, "s": s, "s2": s2, "p": rng.choice(c_places),
                    "o": rng.choice(c_orgs) if c_orgs else None, "o_name": rng.choice(c_orgs) if c_orgs else None,
                    "i": rng.choice(c_issues), "m": meeting, "d": rng.choice(c_docs) if c_docs else None}

        families = [_WITH_PERSON, _WITH_PERSON, _WITH_TWO, _WITH_STATE, _WITH_PLACE, _WITH_ISSUE]
        if c_orgs:
            families.append(_WITH_ORG)
        if meeting is not None:
            families += [_WITH_MEETING, _WITH_MEETING]
        if c_docs:
            families.append(_WITH_DOC)
        target_words = rng.randint(380, 680)
        paragraphs: list[list[Sentence]] = []
        facts: list[dict] = []
        quotes: list[dict] = []
        words = 0
        fillers = rng.sample(_FILLER, len(_FILLER))  # each at most once per article
        clauses = rng.sample(_CLAUSES, len(_CLAUSES))
        used: dict[str, int] = {}
        n_quotes = rng.randint(1, 3)
        n_facts = rng.choice([0, 1, 1, 2])
        # the lead paragraph names the main actors
        lead = cast()
        if meeting is not None:
            lead.update(a=by_id[meeting.fields["participants"][0]], b=by_id[meeting.fields["participants"][1]],
                        p=by_id[meeting.fields["place"]], m=meeting)
        lead_tpl = ("{a} and {b} met in {p} on {day} for talks on the {i} at the {m}."
                    if meeting else "{a} said on {day} that {clause}.")
        para_specs = ["lead"] + ["quote"] * n_quotes + ["fact"] * n_facts
        while words < target_words:
            if len(paragraphs) == 0:
                kind = "lead"
            elif len(paragraphs) <= len(para_specs) - 1:
                kind = para_specs[len(paragraphs)]
            else:
                kind = "story"
            sentences: list[Sentence] = []
            if kind == "lead":
                sentences.append(w.fill(lead_tpl, lead))
            elif kind == "quote":
                c = cast()
                speaker = c["a"]
                q = f"{rng.choice(_QUOTE_OPEN)} {rng.choice(_QUOTE_VERB)} {rng.choice(_QUOTE_OBJ)} {rng.choice(_QUOTE_END)}"
                tail = w.fill(rng.choice(_QUOTE_TAIL), c)
                sentences.append(Sentence(f"\u201c{q},\u201d {tail.text[0].lower() + tail.text[1:] if tail.text.startswith('Said') else tail.text}.",
                                          (speaker.id,), citable=False))
                quotes.append({"speaker": speaker.id, "text": q,
                               "context": rng.choice(["to reporters", "after the talks", "in a statement", None])})
            elif kind == "fact":
                c = cast()
                options = [("p", _FACT_PLACE, "population", "around {n} people"),
                           ("s", _FACT_STATE, "troops in the area", "about {n}")]
                if meeting is not None:
                    options.append(("m", _FACT_MEETING, "duration", "about {h} hours"))
                if c["o"] is not None:
                    options.append(("o", _FACT_ORG, "budget", "about {n} million dollars"))
                key, tpl, prop, value = rng.choice(options)
                nums = {"n": _fmt_num(rng, 1000, 90000), "h": rng.randint(2, 9)}
                subject = c[key]
                text = tpl.replace("{n}", nums["n"]).replace("{h}", str(nums["h"]))
                s = w.fill(text, {key: subject})
                sentences.append(s)
                facts.append({"subject": subject.id, "property": prop,
                              "value": value.replace("{n}", nums["n"]).replace("{h}", str(nums["h"])),
                              "quote": s.text})
            n_sent = rng.randint(2, 4)
            while len(sentences) < n_sent + (1 if kind != "story" else 0) and (fillers or clauses):
                r = rng.random()
                if r < 0.3 and fillers:
                    values = {"pct": rng.randint(2, 19), "num": _fmt_num(rng, 200, 9000), "num2": rng.randint(3, 40),
                              "month": rng.choice(_MONTHS)}
                    sentences.append(Sentence(fillers.pop().format(**values)))
                elif r < 0.45 and clauses:
                    sentences.append(Sentence(f"{rng.choice(_OPENERS)} that {clauses.pop()}."))
                else:
                    fam = rng.choice(families)
                    c = cast()
                    fits = [t for t in fam if all(c.get(k) is not None for k in _keys(t))]
                    fresh = [t for t in fits if used.get(t, 0) < 2]  # a template at most twice per article
                    if not fresh:
                        continue
                    tpl = rng.choice(fresh)
                    used[tpl] = used.get(tpl, 0) + 1
                    sentences.append(w.fill(tpl, c))
            paragraphs.append(sentences)
            words += sum(len(s.text.split()) for s in sentences)
            if words > 700:
                break
        # the story must stay within 400–800 words: trim the last paragraph's filler if needed
        while words > 720 and len(paragraphs[-1]) > 1:
            words -= len(paragraphs[-1].pop().text.split())
        outlet = rng.choice(_OUTLETS)
        head_a = lead["a"]
        title = rng.choice([f"{head_a.surname} and {lead['b'].surname} meet as {lead['i'].place_word} talks resume",
                            f"Talks on the {lead['i'].forms[-1]} enter a new phase",
                            f"{c_states[0].name} signals flexibility in {lead['i'].place_word} dispute",
                            f"{head_a.surname} says no deal before the end of the year"])
        slug = f"{date.isoformat()}-{_slug(outlet)}-{idx + 1:04d}"
        notes = None
        if rng.random() < 0.1:
            notes = (f"Synthetic capture. The story quotes {head_a.name} at length; compare with the "
                     f"coverage of the {lead['i'].name} by other outlets.\n")
        articles.append(Article(slug, date, outlet, title, rng.choice(reporters), paragraphs, facts, quotes, notes))
    return articles


def _keys(template: str) -> list[str]:
    import string

    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def capture_text(a: Article, rng: random.Random) -> str:
    """The capture as copied from a web page: story paragraphs inside the page furniture."""
    mon = _MONTHS[a.date.month - 1]
    lines = [a.outlet, a.title, f"By {a.byline}", f"Published: {mon} {a.date.day}, {a.date.year}",
             rng.choice(_BOILER_TOP)]
    story = [" ".join(s.text for s in p) for p in a.paragraphs]
    out_story: list[str] = []
    share_at = rng.randint(1, 3)
    promo_at = rng.randint(4, 7)
    more_at = rng.randint(6, 10)
    dup = rng.random() < 0.15
    for i, p in enumerate(story):
        out_story.append(p)
        if i == share_at:
            out_story.append(rng.choice(_SHARE))
        if i == promo_at:
            out_story += ["Advertisement", *rng.choice(_PROMO)]
        if i == more_at:
            out_story.append(f"READ MORE: {rng.choice(_OUTLETS).split()[-1]} readers ask what the talks mean for them")
    lines += out_story
    lines += [rng.choice(_SHARE), f"Copyright \u00a9 {a.date.year} {a.outlet}. All rights reserved."]
    if dup and len(story) > 3:  # a paragraph printed twice, as long as the capture stays within 800 words
        again = story[rng.randint(1, len(story) - 3)]
        if sum(len(x.split()) for x in lines) + len(again.split()) <= 800:
            lines.insert(len(lines) - 3, again)
    return "\n\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ YAML

def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _yaml_value(v, indent: int) -> str:
    pad = " " * indent
    if isinstance(v, str):
        return _q(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v):
        return "[" + ", ".join(_yaml_value(x, 0) for x in v) + "]"
    if isinstance(v, list):
        return "\n" + "\n".join(f"{pad}- {_yaml_value(x, 0)}" for x in v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_yaml_value(x, 0)}" for k, x in v.items() if x is not None) + "}"
    raise TypeError(type(v))


def _yaml_map(d: dict, indent: int) -> str:
    pad = " " * indent
    lines = []
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, str) and "\n" in v:
            body = "\n".join(f"{pad}  {line}" if line else "" for line in v.rstrip("\n").split("\n"))
            lines.append(f"{pad}{k}: |\n{body}")
        else:
            val = _yaml_value(v, indent + 2)
            lines.append(f"{pad}{k}:{'' if val.startswith(chr(10)) else ' '}{val}")
    return "\n".join(lines)


BRIEFING_YML = """\
title: "Synthetic briefing: {articles} articles, {entities} entities"
subtitle: Generated by benchmarks/synth.py (seed {seed})
as_of: {as_of}
marking: UNCLASSIFIED // SYNTHETIC
language: en
authors: [briefgen benchmark]
case: exact

kinds:
  actor:
    label: Actor
    plural: Actors
    icon: person
    fields:
      type: {{type: text, label: Type}}
      roles: {{type: roles, label: Roles}}
      side: {{type: text, label: Side}}
      country: {{type: ref, to: actor, label: Country, reverse: Nationals}}
  place:
    label: Place
    plural: Places
    fields:
      coordinates: {{type: coordinates, label: Coordinates}}
      country: {{type: ref, to: actor, label: Country, reverse: Places}}
  organisation:
    label: Organisation
    plural: Organisations
    fields:
      type: {{type: text, label: Type}}
      country: {{type: ref, to: actor, label: Country, reverse: Organisations}}
      location: {{type: ref, to: place, label: Location, reverse: Organisations based here}}
  meeting:
    label: Meeting
    plural: Meetings
    timeline: date
    fields:
      date: {{type: dates, label: Date, required: true}}
      status: {{type: text, label: Status}}
      place: {{type: ref, to: place, label: Place, reverse: Meetings held here}}
      participants: {{type: refs, to: actor, label: Participants, reverse: Meetings attended}}
      topics: {{type: refs, to: issue, label: Topics, reverse: Discussed at}}
      outcome: {{type: markdown, label: Outcome}}
  issue:
    label: Issue
    plural: Issues
    fields:
      launched_at: {{type: ref, to: meeting, label: First raised at}}
  document:
    label: Document
    plural: Documents
    fields:
      date: {{type: date, label: Date signed}}
      status: {{type: text, label: Status}}
      parties: {{type: refs, to: actor, label: Parties, reverse: Party to}}
"""


def generate(articles: int, entities: int, seed: int) -> dict[str, bytes]:
    """Every file of the briefing, by path relative to the briefing folder (``content/...``)."""
    rng = random.Random(seed)
    names = Names(rng)
    ents = make_entities(entities, rng, names)
    arts = make_articles(articles, ents, rng, names)
    by_id = {e.id: e for e in ents}
    files: dict[str, str] = {}
    files["content/briefing.yml"] = BRIEFING_YML.format(articles=articles, entities=entities, seed=seed,
                                                        as_of=AS_OF.isoformat())

    # citable sentences per entity: (slug, words)
    cites: dict[str, list[tuple[str, str]]] = {}
    for a in arts:
        for p in a.paragraphs:
            for s in p:
                if s.citable:
                    for eid in s.entities:
                        cites.setdefault(eid, []).append((a.slug, s.text.rstrip(".")))

    # a share of facts and quotes is annotated on the entity instead of the article
    for a in arts:
        keep_f, keep_q = [], []
        for f in a.facts:
            if rng.random() < 0.3:
                by_id[f["subject"]].facts.append({"property": f["property"], "value": f["value"],
                                                  "source": a.slug, "quote": f["quote"]})
            else:
                keep_f.append(f)
        for q in a.quotes:
            if rng.random() < 0.3:
                by_id[q["speaker"]].quotes.append({"text": q["text"], "source": a.slug, "context": q["context"]})
            else:
                keep_q.append(q)
        a.facts, a.quotes = keep_f, keep_q

    for a in arts:
        files[f"content/articles/{a.slug}.txt"] = capture_text(a, rng)
        ann = {"title": a.title, "outlet": a.outlet, "date": a.date.isoformat(), "byline": a.byline,
               "url": f"https://news.example.org/{a.date.year}/{a.slug}", "origin": "Synthetic capture (benchmarks/synth.py).",
               "notes": a.notes, "facts": a.facts or None,
               "quotes": [{k: v for k, v in q.items() if v is not None} for q in a.quotes] or None}
        files[f"content/articles/{a.slug}.yml"] = _yaml_map(ann, 0) + "\n"

    groups = {"actor": "actors", "place": "places", "organisation": "organisations", "meeting": "meetings",
              "issue": "issues", "document": "documents"}
    out: dict[str, list[str]] = {g: [] for g in groups.values()}
    for e in ents:
        summary = " ".join(e.summary_bits)
        if e.kind == "meeting":
            parts = [by_id[i].name for i in e.fields["participants"]]
            summary = f"Talks between {', '.join(parts[:-1])} and {parts[-1]} in {by_id[e.fields['place']].name}."
            e.fields["outcome"] = (f"The participants agreed to continue the talks on the "
                                   f"{by_id[e.fields['topics'][0]].name}.\n")
        if e.kind == "issue":
            ms = [m for m in ents if m.kind == "meeting" and e.id in m.fields["topics"]]
            if ms:
                e.fields["launched_at"] = ms[0].id
        if e.kind == "document":
            summary = (f"Signed by {by_id[e.fields['parties'][0]].name} and {by_id[e.fields['parties'][1]].name}.")
        mine = cites.get(e.id, [])
        if mine:
            for slug, words in rng.sample(mine, min(len(mine), rng.randint(1, 2))):
                summary += f' Reported: [@{slug} "{words}"].'
            if rng.random() < 0.3:
                summary += f" See also [@{rng.choice(mine)[0]}]."
        if e.kind == "actor" and not e.surname:
            e.facts.insert(0, {"property": "capital", "value": f"{e.name} City",
                               "reference": {"title": "Synthetic Gazetteer of States", "url": "https://example.org/gazetteer"}})
        d = {"id": e.id, "kind": e.kind, "name": e.name, "aliases": e.aliases or None, "summary": summary + "\n"}
        d.update(e.fields)
        d["facts"] = e.facts or None
        d["quotes"] = [{k: v for k, v in q.items() if v is not None} for q in e.quotes] or None
        out[groups[e.kind]].append(_entity_yaml(d))
    for g, items in out.items():
        files[f"content/entities/{g}.yml"] = f"# Synthetic {g} (benchmarks/synth.py).\n\n" + "\n\n".join(items) + "\n"

    files["content/overview.md"] = _overview(arts, ents, cites, rng)
    return {k: v.encode("utf-8") for k, v in sorted(files.items())}


def _entity_yaml(d: dict) -> str:
    lines = []
    first = True
    for k, v in d.items():
        if v is None:
            continue
        prefix = "- " if first else "  "
        first = False
        if isinstance(v, str) and "\n" in v:
            body = "\n".join(f"    {line}" for line in v.rstrip("\n").split("\n"))
            lines.append(f"{prefix}{k}: |\n{body}")
        else:
            val = _yaml_value(v, 4)
            lines.append(f"{prefix}{k}:{'' if val.startswith(chr(10)) else ' '}{val}")
    return "\n".join(lines)


def _overview(arts: list[Article], ents: list[Ent], cites: dict, rng: random.Random) -> str:
    top = sorted(ents, key=lambda e: (-len(cites.get(e.id, [])), e.id))[:8]
    states = [e.name for e in ents if e.kind == "actor" and not e.surname]
    out = [f"This synthetic briefing follows {len(arts)} news stories about relations between "
           f"{', '.join(states[:-1])} and {states[-1]}. It exists to measure briefgen; every name in it is "
           "invented.", "", "## Most mentioned", ""]
    for e in top:
        mine = cites.get(e.id, [])
        cite = f' [@{mine[0][0]} "{mine[0][1]}"]' if mine else ""
        out.append(f"- [{e.name}](entity:{e.id}): {len(mine)} citable passages{cite}")
    out += ["", "## Latest developments", ""]
    for a in sorted(arts, key=lambda a: (a.date, a.slug))[-5:]:
        s = next((s for p in a.paragraphs for s in p if s.citable and s.entities), None)
        if s is not None:
            out.append(f'{s.text} [@{a.slug} "{s.text.rstrip(".")}"]')
            out.append("")
    first = min(arts, key=lambda a: (a.date, a.slug))
    out += ["## Sources", "", f"The {len(arts)} captures run from [the earliest story](article:{first.slug}) "
            f"of {first.date.isoformat()} to the end of {AS_OF.year}; the timeline lists every meeting and every "
            "dated fact."]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------ writing

def fingerprint(articles: int, entities: int, seed: int) -> str:
    """Identifies the output of these arguments with this version of the generator."""
    src = Path(__file__).read_bytes()
    return hashlib.sha256(src + f"{articles}/{entities}/{seed}/{VERSION}".encode()).hexdigest()[:16]


def write(out: Path, articles: int, entities: int, seed: int) -> dict:
    """Generate into ``out`` (replacing ``out/content``); returns a summary (also written to ``out/synth.json``)."""
    files = generate(articles, entities, seed)
    content = out / "content"
    if content.exists():
        shutil.rmtree(content)
    for rel, data in files.items():
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    words = [len(data.decode().split()) for rel, data in files.items() if rel.endswith(".txt")]
    summary = {"articles": articles, "entities": entities, "seed": seed, "fingerprint": fingerprint(articles, entities, seed),
               "files": len(files), "bytes": sum(len(d) for d in files.values()),
               "capture_words_min": min(words, default=0), "capture_words_max": max(words, default=0)}
    (out / "synth.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--articles", type=int, default=2000)
    p.add_argument("--entities", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="briefing folder to write (its content/ is replaced)")
    args = p.parse_args(argv)
    if args.articles < 1 or args.entities < 12:
        p.error("need at least 1 article and 12 entities")
    s = write(args.out, args.articles, args.entities, args.seed)
    print(f"synth: wrote {s['files']} files ({s['bytes'] / 1e6:.1f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
