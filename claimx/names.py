"""Names: what one article calls each entity it names, and what it says they are.

Its entities by position, each person's fullest name (a surname, "Peskov", is the fullest
name the article gives, "Dmitry Peskov"), organisations' short names, the roles found at any
mention ("Russian presidential spokesman"), which follow the name to its later mentions, the
titles that stand for a person ("the Russian president"), and each person's sex.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from .entities import surname, tidy
from .lexicons import Lexicons
from .mentions import (
    SUBJECT_DEPS,
    bare_name,
    credit_spans,
    pronoun_sex,
    strip_det,
    tidy_names,
    tokens_text,
)
from .quotes import Quote, QuoteIndex

_STOP_ROLE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_ROLE_POS = {"PROPN", "NOUN", "ADJ"}
#: Abbreviated titles written out, so that "the Florida senator" finds "Florida Sen. Marco
#: Rubio".
_TITLE_WORDS = {
    "sen.": "senator",
    "rep.": "representative",
    "gov.": "governor",
    "lt.": "lieutenant",
    "gen.": "general",
    "sec.": "secretary",
    "atty.": "attorney",
    "amb.": "ambassador",
    "adm.": "admiral",
    "col.": "colonel",
    "capt.": "captain",
}
#: How far into an article its writer is named: the headline and an editor's note.
_OPENING = 600


class ArticleNames:
    """Canonical names, roles, titles and sexes of the people one article names.

    Every lookup is indexed (entities by position, full names by surname) so that an
    article's cost grows with its length, not with its length squared.
    """

    def __init__(self, doc: Doc, lexicons: Lexicons, quotes: Sequence[Quote] = ()) -> None:
        self.doc = doc
        self.lexicons = lexicons
        self.quotes = QuoteIndex(quotes)
        # Doc.ents builds new spans on every access; a byline's or dateline's names are the
        # newsroom's, never an antecedent, a speaker or a target
        credits = credit_spans(doc.text)
        tidied = tidy_names(doc, lexicons)
        self.ents = [e for e in tidied if not any(s <= e.start_char < t for s, t in credits)]
        # who may be the writer (Resolver.writer()): a byline's names too
        # NER may take a writer's name for an organisation: "author [Dinesh D'Souza's]"
        self._opening = [
            e for e in tidied if e.label_ in ("PERSON", "ORG") and e.start_char < _OPENING
        ]
        self._ent_starts = [e.start for e in self.ents]  # sorted: entities never overlap
        self._ent_chars = [e.start_char for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON" and strip_det(list(e))]
        # full names (two words or more) by surname: where each is mentioned, and each once
        self._full: dict[str, list[tuple[int, str]]] = {}
        for ent in self.persons:
            words = bare_name(ent).split()
            if len(words) > 1:
                self._full.setdefault(surname(words), []).append((ent.start, " ".join(words)))
        self._full_at = {last: [start for start, _ in known] for last, known in self._full.items()}
        # organisations named in full, by their last word: "the Post" after "The New York Post"
        self._orgs: dict[str, list[tuple[int, str]]] = {}
        for ent in self.ents:
            words = bare_name(ent).split()
            if ent.label_ == "ORG" and len(words) > 1:
                self._orgs.setdefault(words[-1], []).append((ent.start, " ".join(words)))
        self._fulls = {
            last: list(dict.fromkeys(f for _, f in known)) for last, known in self._full.items()
        }
        self._canonical: dict[tuple[int, int], str] = {}
        self._genders: dict[str, str] = {}
        for ent in self.persons:  # an honorific settles it: "Mr. Trump", "Ms. Warren"
            sex = lexicons.honorifics.get(doc[ent.start - 1].text) if ent.start else None
            sex = sex or lexicons.honorifics.get(ent[0].text)
            if sex:
                self._genders.setdefault(self.canonical(ent), sex)
        for ent in self.persons:  # else the article's own pronouns: "McConnell said his …"
            name = self.canonical(ent)
            if name not in self._genders and name.split()[0] not in lexicons.first_names:
                sex = self._pronoun_after(ent)
                if sex:
                    self._genders[name] = sex
        self.roles: dict[str, str] = {}
        for ent in self.persons:
            role = self.role_of(ent)
            canonical = self.canonical(ent)
            if role and canonical not in self.roles:
                self.roles[canonical] = role
        # a title as by_title matches it, whole or its last words -> who has that title
        self._titled: dict[str, list[str]] = {}
        for name, role in self.roles.items():
            lower = " ".join(_TITLE_WORDS.get(w, w) for w in role.lower().split())
            keys = {lower} | {lower[i + 1 :] for i, ch in enumerate(lower) if ch == " "}
            for key in keys:
                self._titled.setdefault(key, []).append(name)

    def _pronoun_after(self, ent: Span, window: int = 25) -> str | None:
        """The sex of the first he/she-type pronoun after a person subject in its sentence,
        none being between them: "Mitch McConnell said his chamber …" -> male. Quotes are
        skipped (their pronouns are the quoted speaker's)."""
        if ent.root.dep_ not in SUBJECT_DEPS:
            return None
        for tok in self.doc[ent.end : ent.end + window]:
            if tok.is_sent_start or tok.ent_type_ == "PERSON":
                return None
            sex = pronoun_sex(tok.lower_) if tok.pos_ == "PRON" else None
            if sex is not None and not self.in_quote(tok.idx):
                return sex
        return None

    def canonical(self, ent: Span) -> str:
        """The fullest name the article gives this person, after the alias table."""
        key = (ent.start, ent.end)
        if key not in self._canonical:
            self._canonical[key] = self.full_name(bare_name(ent), ent.start)
        return self._canonical[key]

    def entity_name(self, ent: Span) -> str:
        """The name of any entity: a person's :meth:`canonical` name, else its words without
        "the" or a possessive (an organisation's one word as the article last named it in
        full: "the Post" is "New York Post"), after the alias table ("GOP" -> "Republican
        Party")."""
        if ent.label_ == "PERSON":
            return self.canonical(ent)
        name = bare_name(ent)
        if ent.label_ == "ORG" and " " not in name:  # "the Post": the last one named in full
            earlier = [full for start, full in self._orgs.get(name, ()) if start < ent.start]
            name = earlier[-1] if earlier else name
        return self.alias(name)

    def alias(self, name: str) -> str:
        """``name`` tidied (:func:`claimx.entities.tidy`) and looked up in the aliases."""
        tidied = tidy(name)
        found = self.lexicons.aliases.get(tidied.casefold())
        return tidied if found is None else found[0]

    def full_name(self, name: str, at: int) -> str:
        """``name`` as the article names the person in full: "Clinton" is the Clinton last
        mentioned in full before token ``at`` (Bill or Hillary), else the first one after;
        after the alias table ("Donald J. Trump" -> "Donald Trump")."""
        return self.alias(self._full_name(name, at))

    def _full_name(self, name: str, at: int) -> str:
        words = name.split()
        last = surname(words)
        known = self._full.get(last, [])
        if len(words) > 1:  # keep a full name, unless a longer one contains it
            wanted = set(words)
            longer = [full for full in self._fulls.get(last, []) if wanted <= set(full.split())]
            return max(longer, key=len, default=name)
        before = bisect_left(self._full_at.get(last, []), at)
        if before:
            return self._full_name(known[before - 1][1], at)
        return self._full_name(known[0][1], at) if known else name

    def ents_within(self, start_char: int, end_char: int) -> list[Span]:
        """The entities inside ``text[start_char:end_char]``, in order."""
        i = bisect_left(self._ent_chars, start_char)
        out = []
        while i < len(self.ents) and self.ents[i].start_char < end_char:
            if self.ents[i].end_char <= end_char:
                out.append(self.ents[i])
            i += 1
        return out

    def ents_starting(self, start: int, end: int) -> list[Span]:
        """The entities whose first token is in ``doc[start:end]``, in order."""
        return self.ents[bisect_left(self._ent_starts, start) : bisect_left(self._ent_starts, end)]

    def ent_at(self, i: int) -> Span | None:
        """The entity token ``i`` is part of, if any."""
        k = bisect_right(self._ent_starts, i) - 1
        return self.ents[k] if k >= 0 and i < self.ents[k].end else None

    def role_of(self, ent: Span) -> str | None:
        """Title words right before a name ("Italian Prime Minister"), or its apposition."""
        words: list[Token] = []
        i = ent.start - 1
        while i >= 0:
            tok = self.doc[i]
            of = tok.lower_ == "of" and i > 0 and self.doc[i - 1].pos_ in ("PROPN", "NOUN")
            if not of and (
                tok.pos_ not in _ROLE_POS or tok.dep_ == "cc" or tok.ent_type_ in _STOP_ROLE_LABELS
            ):
                break  # "of" stays inside a title: "Bank of Portugal Governor"
            other = self.ent_at(i)
            if other is not None and other.label_ == "PERSON":
                break
            words.insert(0, tok)
            if tok.is_sent_start:
                break
            i -= 1
        if not words:
            for child in ent.root.children:
                if child.dep_ == "appos" and child.ent_type_ != "PERSON":
                    words = strip_det([t for t in child.subtree if not t.is_punct])
                    if not any(t.pos_ in ("NOUN", "PROPN") for t in words):
                        words = []  # an age: "Ron Harris, 47,"
                    break
        words = strip_det(words)
        return tokens_text(words)

    def by_title(self, mention: Span) -> str | None:
        """The person an article titled so ("the Russian president" -> "Vladimir Putin")."""
        words = tokens_text(strip_det(list(mention)))
        if not words:
            return None
        found = self._titled.get(words.lower(), [])
        return found[0] if len(found) == 1 else None

    def gender(self, name: str) -> str | None:
        """ "male", "female" or None for a canonical person name, from honorifics or first name."""
        if name in self._genders:
            return self._genders[name]
        return self.lexicons.first_names.get(name.split()[0])

    def in_quote(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a quotation."""
        return self.quotes.around(offset) is not None
