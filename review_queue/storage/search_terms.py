"""Storage: the search index's analyser: text → the terms the queue search indexes and looks up.

Russian and Kazakh inflect names, places and nouns («Байтелова», «Байтеловой»; «Ақтөбе»,
«Ақтөбедегі»), so both the articles and the query are reduced to stems by the same function:

- every word is lowercased and its Kazakh letters folded onto their Russian neighbours
  (ә→а, қ→к, ұ/ү→у, і→и…, the folding of classifiers/triggers.fold, which storage may not
  import), so Kazakh typed without Kazakh letters finds the same terms;
- a Cyrillic word gives up to two terms: its Snowball Russian stem, and the Russian stem of what
  is left after stripping a chain of Kazakh suffixes (case, possessive, plural, -дағы/-дегі).
  Both are indexed, and a query word matches an article having either of its own terms, so a
  Russian name inflected the Kazakh way («Байтелованың») meets its Russian forms, and a Russian
  plural that looks like a Kazakh suffix («страны») still meets «страна» through the first term;
- a Latin word gives its Snowball English stem; digits stay as they are.

The index holds only these terms (`articles.search_title`, `articles.search_body`, written by
Store.add_article and bulk loads). Whoever changes the analyser ships a migration that calls
`reindex_all`, because index and queries must always be analysed alike.
"""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
                       "і": "и", "ё": "е"})
WORD_RE = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")

# Kazakh suffixes, folded, longest first so that a chain loses its last link each round:
# -дағы/-дегі (what is at), ablative, genitive, locative, instrumental, dative, accusative,
# plural, possessive. One-letter ones (-а, -е, -ы, -і, -н, -м) end possessive and case chains.
_KK_SUFFIXES = sorted("""
    ндагы ндеги дагы деги тагы теги
    ндан нден дан ден тан тен нан нен
    нын нин дын дин тын тин
    нда нде да де та те
    мен бен пен
    га ге ка ке на не
    ны ни ды ди ты ти
    лар лер дар дер тар тер
    ымыз имиз мыз миз ыныз иниз ныз низ сы си ым им ын ин
    а е ы и н м
""".split(), key=len, reverse=True)
MIN_STEM = 3           # never strip a word below three letters («су», «сот» stay whole)
MIN_STEM_AFTER_LETTER = 4   # nor below four for a one-letter suffix: «әкім» is not «әкі» + -м
MAX_ROUNDS = 4         # plural + possessive + case + -дағы is the longest chain searched for


def fold(word: str) -> str:
    return word.lower().translate(_FOLD)


def kazakh_stem(word: str) -> str:
    """`word` (folded) without its chain of Kazakh suffixes."""
    for _ in range(MAX_ROUNDS):
        for suffix in _KK_SUFFIXES:
            shortest = MIN_STEM_AFTER_LETTER if len(suffix) == 1 else MIN_STEM
            if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
                # «журналистер»: Kazakh spelling drops the stem's т before the plural -тер
                word = word[:-len(suffix)] + ("т" if suffix in ("тер", "тар") and word[-len(suffix) - 1] == "с" else "")
                break
        else:
            break
    return word


_RUSSIAN = Stemmer.Stemmer("russian")
_ENGLISH = Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word (one or two; the first is the whole-word stem)."""
    folded = fold(word)
    if _CYRILLIC.search(folded):
        first = _RUSSIAN.stemWord(folded)
        if first != folded[:-2] or folded[-2:] not in ("ов", "ев"):
            second = _RUSSIAN.stemWord(kazakh_stem(folded))
        else:   # Snowball takes -ов off «Мамыров» but not off «Мамырову», «Мамырова»: keep it
            second = folded
        return (first,) if second == first else (first, second)
    if _LATIN.search(folded):
        return (_ENGLISH.stemWord(folded),)
    return (folded,)


def words(text: str | None) -> list[str]:
    return WORD_RE.findall(text or "")


def index_text(text: str | None) -> str:
    """What the index stores for `text`: its words' terms, space-separated."""
    return " ".join(term for word in words(text) for term in word_terms(word))


def search_columns(title: str | None, text: str | None) -> dict[str, str]:
    """The two indexed columns of an article (title matches rank first)."""
    return {"search_title": index_text(title), "search_body": index_text(text)}


def query_groups(query: str, limit: int = 12) -> list[tuple[str, ...]]:
    """The query as groups of alternative terms: every group must match, any term of a group may.
    Repeated words count once; at most `limit` words (a longer query is a pasted paragraph)."""
    groups: list[tuple[str, ...]] = []
    for word in words(query):
        terms = word_terms(word)
        if terms not in groups:
            groups.append(terms)
    return groups[:limit]


def reindex_all(db, batch: int = 2000) -> int:
    """Fill the search columns of every article from its title and text; return how many.
    Keyset-paged, so memory stays flat on a large database."""
    done, last = 0, 0
    while True:
        rows = db.execute("SELECT id, title, text FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                          [last, batch]).fetchall()
        if not rows:
            return done
        db.conn.executemany("UPDATE articles SET search_title = ?, search_body = ? WHERE id = ?",
                            [(*search_columns(title, text).values(), article_id) for article_id, title, text in rows])
        done += len(rows)
        last = rows[-1][0]
