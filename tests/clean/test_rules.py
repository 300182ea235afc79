"""The boilerplate rule table and the predicates of the context heuristics, case by case."""

from __future__ import annotations

import pytest

from briefgen.clean.dates import find_date, is_date_line
from briefgen.clean.rules import (RULES, classify, is_headline_candidate, is_promo_continuation,
                                  is_story_like)

# (unit text, rule name that must decide it) — lines seen in real captures, and their usual variants.
MATCHES = [
    ("Advertisement", "advertisement"),
    ("- Advertisement -", "advertisement"),
    ("ADVERTISEMENT", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Image", "image-placeholder"),
    ("Photo 3 of 12", "image-placeholder"),
    ("You are here: Home » PTI Stories » National » News", "breadcrumb"),
    ("Home > World > Asia", "breadcrumb"),
    ("News › World › Asia › Japan", "breadcrumb"),
    ("Newsletter subscribe", "newsletter"),
    ("Subscribe to our newsletter", "newsletter"),
    ("Subscribe to the Morning Review newsletter", "newsletter"),
    ("Sign up here to get the latest news, updates and special offers delivered directly to your inbox.", "newsletter"),
    ("Stay informed, daily", "newsletter"),
    ("A FREE subscription to The New Daily arrives every morning and evening.", "newsletter"),
    ("Enter your email address", "newsletter"),
    ("*Subscribe to Business Standard digital and get complimentary access to The New York Times", "subscription"),
    ("Subscribe", "subscription"),
    ("₹900", "price"),
    ("₹300/Month", "price"),
    ("$4.99 per month", "price"),
    ("3 Months", "price"),
    ("SAVE 25%", "subscription"),
    ("Renews automatically, cancel anytime", "subscription"),
    ("Start your free trial today", "subscription"),
    ("Copyright © 2024 The New Daily.", "copyright"),
    ("All rights reserved.", "copyright"),
    ("© Reuters", "copyright"),
    ("Our Standards: The Thomson Reuters Trust Principles.", "disclaimer"),
    ("Disclaimer: No Business Standard Journalist was involved in creation of this content", "disclaimer"),
    ("(This story has not been edited by Business Standard staff and is auto-generated from a syndicated feed.)",
     "syndication"),
    ("(Only the headline of this report may have been reworked by Business Standard staff; the rest of the "
     "content is auto-generated from a syndicated feed.)", "syndication"),
    ("Next Story", "navigation"),
    ("More From This Section", "link-list"),
    ("Latest News", "link-list"),
    ("More on this story", "link-list"),
    ("Related Topics", "link-list"),
    ("Read more: Japan and Russia trade accusations over islands", "navigation"),
    ("ALSO READ: Putin to visit Tokyo", "navigation"),
    ("You may also like", "link-list"),
    ("Back to top", "navigation"),
    ("close panel", "ui-control"),
    ("Sign in", "ui-control"),
    ("For a fuller history of the dispute, click here.", "link-prompt"),
    ("Share this article", "share"),
    ("Facebook Twitter Email", "share"),
    ("Share on WhatsApp", "share"),
    ("Comments (0)", "comments"),
    ("Leave a comment", "comments"),
    ("This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out "
     "if you wish.", "cookies"),
    ("Wir verwenden Cookies, um Inhalte zu personalisieren. Mit der Nutzung stimmen Sie der Datenschutzerklärung zu.",
     "cookies"),
    ("Utilizamos cookies para melhorar a sua experiência. Ao continuar, você concorda com a nossa política de "
     "privacidade.", "cookies"),
    ("Accept all cookies", "cookies"),
    ("Comments (0) | Add a comment", "comments"),
    ("2 Kommentare", "comments"),
    ("Tags: Japan, Russia, Kuril Islands", "tags"),
    ("Tags Japan Russia Kuril Islands Sergei Lavrov", "tags"),
    ("Updated at 1:23 p.m.", "timestamp"),
    ("Follow The Daily Kuril on Twitter", "social"),
    ("Also on example.com Lavrov says talks must start with the war's results", "navigation"),
    ("Filed under: Diplomacy | Asia", "tags"),
    ("-----", "separator"),
    ("* * *", "separator"),
    (">> Read our full coverage of the talks", "chevron"),
    ("SUBSCRIBE – SPRING OFFER", "subscription"),
    ("Cookie settings", "cookies"),
    ("Privacy Overview", "cookies"),
    ("Follow us on Twitter", "social"),
    ("Shinzo Abe and Vladimir Putin shake hands at the official reception in Nagato. Photo: Mikhail Svetlov/Getty",
     "photo-credit"),
    ("The windswept islands known in Russia as the Southern Kuriles. Photo: Russia Insider", "photo-credit"),
    ("Japanese soldiers during an exercise in Hokkaido. (Photo: Kyodo)", "photo-credit"),
    ("Vladimir Putin in the Kremlin. Getty Images", "photo-credit"),
    ("Image caption, The islands are home to about 20,000 people", "photo-credit"),
    ("Image caption,", "photo-credit"),
    ("Last Updated : Dec 20 2019 | 2:35 AM IST", "dateline"),
    ("First Published: Fri, May 10 2019. 19:26 IST", "dateline"),
    ("Posted: Sep 2, 2016 at 9:34 am  /  by  /  comments (0)", "dateline"),
    ("Updated on 3 January 2020", "dateline"),
    ("December 20, 2019", "date"),
    ("Friday 20 December 2019 10.15 GMT", "date"),
    ("2019-12-20", "date"),
    ("Published", "date-label"),
    ("Last updated:", "date-label"),
    ("3 hours ago", "timestamp"),
    ("5 min read", "reading-time"),
    ("AFP Moscow", "agency"),
    ("AFP | Moscow", "agency"),
    ("Reuters", "agency"),
    ("By AFP", "agency"),
    ("– Kiyoshi Takenaka and Katya Golubkova", "byline"),
    ("By Anna Petrova and John Smith", "byline"),
    ("By Jane Doe, Reuters", "byline"),
    ("https://www.example.org/news/1", "url"),
    ("(Reporting by Kiyoshi Takenaka; Editing by Robert Birsel)", "credits"),
    ("With inputs from PTI", "credits"),
]

# Story text (or labels left to the context heuristics) that no rule may take.
NO_MATCH = [
    "Tags are added by the editors after the story is filed.",
    "Follow the money, the minister said.",
    "»Wir sind bereit«, sagte der Minister.",
    "Topics on the agenda included fisheries, visas and joint economic activity on the islands.",
    "The company said the cookies were recalled after customers complained about the taste.",
    "Russia and Japan's foreign ministers met on Thursday to try and find a solution to a territorial dispute.",
    "and Japan's top diplomats said Friday there was a way to go before their could resolve a World War II-era "
    "dispute over a chain of islands, following a meeting in",
    "The string of volcanic islands are called the Kurils by and the Northern Territories by",
    "In February it said it had laid fibre-optic cables to provide homes and businesses there with",
    "Sign up for the Disney+ bundle using the same email as your Hulu account",
    "Posted on the website on Dec 20, 2019, the statement said talks would continue next year.",
    "Updated figures show that 20,000 people live on the islands.",
    "Share prices in Tokyo fell 3% on Monday.",
    "Comments by the minister angered Tokyo.",
    "Reuters reported that the talks failed.",
    "APPLE",
    "Written by Shakespeare in 1600, the play was revived in Tokyo this year.",
    "Subscribers to the state broadcaster rose sharply last year, officials said.",
    "Kuriles islands",
    "Moscow",
    "They will meet again in Tokyo on Friday.",
    "The photo showed the two leaders shaking hands.",
    "\"The talks were constructive and substantial,\" said Lavrov.",
    "<script src=\"https://evil.example/x.js\"></script>",
    "Related to the dispute, Japan raised the issue at the UN.",
    "Save the date: the summit opens in Vladivostok on 5 September.",
    "- Sergei Lavrov and Toshimitsu Motegi",  # a list item in the story, not a byline (those use a dash: –)
]


@pytest.mark.parametrize("text,rule", MATCHES, ids=[t[:40] for t, _ in MATCHES])
def test_rule_matches(text: str, rule: str) -> None:
    hit = classify(" ".join(text.split()))
    assert hit is not None, f"no rule matched {text!r}"
    assert hit[0].name == rule


@pytest.mark.parametrize("text", NO_MATCH, ids=[t[:40] for t in NO_MATCH])
def test_story_text_matches_no_rule(text: str) -> None:
    hit = classify(text)
    assert hit is None, f"rule {hit[0].name!r} took story text {text!r}" if hit else ""


def test_rule_table_is_well_formed() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    for rule in RULES:
        assert rule.category in {"boilerplate", "caption", "metadata"}
        assert rule.reason and rule.reason == rule.reason.strip()
        assert rule.max_words > 0


def test_every_rule_is_exercised() -> None:
    assert {r.name for r in RULES} == {name for _, name in MATCHES}


def test_rules_do_not_backtrack_on_long_input() -> None:
    import time

    nasty = ["a" * 20000, "» " * 5000 + "x", "By " + "Aa " * 3000, "Share " * 4000 + "!", "." * 20000 + "Photo:",
             "sign up " * 3000, "© " * 5000]
    start = time.perf_counter()
    for text in nasty:
        classify(text)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("text,iso", [
    ("Dec 20 2019 | 2:35 AM IST", "2019-12-20"),
    ("Fri, May 10 2019. 19:26 IST", "2019-05-10"),
    ("Sep 2, 2016 at 9:34 am", "2016-09-02"),
    ("14th March 2021", "2021-03-14"),
    ("2019-12-20T02:35", "2019-12-20"),
    ("February 30, 2019 then March 1, 2019", "2019-03-01"),
])
def test_find_date(text: str, iso: str) -> None:
    found = find_date(text)
    assert found is not None and found[0] == iso


@pytest.mark.parametrize("text,expected", [
    ("December 20, 2019", True),
    ("Friday, 20 December 2019, 10:15 GMT", True),
    ("Dec 20 2019 | 2:35 AM IST", True),
    ("20/12/2019", False),
    ("On December 20, 2019 the ministers met", False),
    ("The meeting", False),
])
def test_is_date_line(text: str, expected: bool) -> None:
    assert is_date_line(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("The islands' current population is around 20,000 people.", True),
    ("The string of volcanic islands are called the Kurils by and the Northern Territories by", True),
    ("Russia, Japan meet to try to end WWII islands dispute", False),
    ("They met.", False),
])
def test_is_story_like(text: str, expected: bool) -> None:
    assert is_story_like(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("STILL AT WAR! Japan to Discuss Proposed Peace Treaty with Russia", True),
    ("Abe, Putin to revive Japan–Russia talks", True),
    ("Russia and Japan's foreign ministers met on Thursday.", False),
    ("and Japan's top diplomats said Friday", False),
])
def test_is_headline_candidate(text: str, expected: bool) -> None:
    assert is_headline_candidate(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("Smart Quarterly", True),
    ("• Over 30 premium stories daily, handpicked by our editors", True),
    ("*Complimentary New York Times access for the 2nd year will be given after 12 months", True),
    ("The New Daily is a trusted source of national news and information and is provided free for all "
     "Australians. Read our editorial charter", True),
    ("Moscow in recent months has taken further steps to consolidate its hold on the islands, which are home to "
     "some 20,000 people.", False),
    ("In February it said it had laid fibre-optic cables to provide homes and businesses there with", False),
])
def test_is_promo_continuation(text: str, expected: bool) -> None:
    assert is_promo_continuation(text) is expected
