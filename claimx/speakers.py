"""Speakers: the mention a claim is attributed to, its canonical name, role and type.

Resolution stays inside one article: a surname ("Peskov") resolves to the fullest name
the article gives ("Dmitry Peskov"), a pronoun to the nearest preceding compatible
mention, and roles found at any mention ("Russian presidential spokesman") follow the
name to its later mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from .entities import SUFFIXES, surname, tidy
from .lexicons import Lexicons
from .quotes import Quote, QuoteIndex
from .types import SpeakerType

_ENT_TYPES: dict[str, SpeakerType] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_GROUP_PRONOUNS = {"they", "them", "their"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
_STOP_ROLE_LABELS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
_ROLE_POS = {"PROPN", "NOUN", "ADJ"}
#: Labels NER gives a person's name by mistake often enough to check the first name.
_RELABEL = {"ORG", "GPE", "NORP", "PRODUCT", "FAC", "WORK_OF_ART", "LOC"}
#: Those a surname alone may be given, where the article names the person in full; not the
#: places ("Jordan" the country beside "Jim Jordan").
_RELABEL_SURNAME = {"ORG", "PRODUCT", "FAC", "WORK_OF_ART"}
#: How many tokens back a person known to agree with a pronoun still beats a nearer one of
#: unknown sex.
_RECENT = 120
#: A cue NER takes into the name after it: "Said Whitman:".
_SAID = {"said", "says"}
#: A party's member, singular, as a person: "the Arizona Republican".
_PARTY_MEMBERS = {"republican", "democrat", "independent"}
#: What a person's name before it makes an organisation of: "the Clinton campaign".
_ORG_OF_PERSON = {"administration", "campaign", "camp", "team", "government", "foundation"}
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
#: The first person outside quotes: the writer speaking in an op-ed or a book excerpt.
_FIRST_PERSON = {"i", "me"}
#: A word that makes the name after it, in an article's opening, its writer: "excerpts from
#: bestselling [author] Dinesh D'Souza's new book".
_WRITER_WORDS = {"author", "columnist", "contributor", "commentator"}
#: How far into an article its writer is named: the headline and an editor's note.
_OPENING = 600
#: An abbreviated title before a name: "Dr.", "Sen.", "Gov.", "Lt." (two letters or more).
_ABBREVIATED_TITLE = re.compile(r"[A-Z][a-z]{1,4}\.")


@dataclass(frozen=True)
class Speaker:
    """Who a claim is attributed to.

    ``names``: canonical names, several when people share a cue ("Smith and Lee said"),
    none when unknown; ``roles``: the role of each person mentioned, in order (a name
    mentioned twice has two). They stay apart until the claim is built
    (:func:`claimx.attribution.assembly.to_claim` joins them for the record).
    """

    names: tuple[str, ...]
    roles: tuple[str | None, ...]
    type: SpeakerType
    span: tuple[int, int] | None

    @classmethod
    def one(
        cls, name: str | None, role: str | None, type: SpeakerType, span: tuple[int, int] | None
    ) -> Speaker:
        """A speaker of one name (or none), with its role."""
        return cls(() if name is None else (name,), (role,), type, span)


def _strip_det(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[0].dep_ in ("det", "punct") or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].tag_ == "POS"):
        tokens = tokens[:-1]
    return tokens


def _text(tokens: list[Token]) -> str | None:
    if not tokens:
        return None
    return tokens[0].doc[tokens[0].i : tokens[-1].i + 1].text


def pronoun_sex(word: str) -> str | None:
    """ "male" for he/him/his, "female" for she/her, None for any other word."""
    if word in ("he", "him", "his", "himself"):
        return "male"
    return "female" if word in ("she", "her", "hers", "herself") else None


def _tidy_names(doc: Doc, lexicons: Lexicons) -> list[Span]:
    """The doc's entities with people's names as a reader would cut them: a role word NER
    took in left out ("[Spokeswoman] Rebecca Hill"), a first name it left out between a
    title and the name taken in ("Defense Minister [Rustem] Umerov"), and two halves of one
    name joined ("Prince [Abdulaziz][bin Salman]")."""
    out: list[Span] = []
    for ent in _persons_by_first_name(doc, lexicons):
        if out and ent.start < out[-1].end:
            continue  # taken into an organisation's name below
        if ent.label_ == "ORG":
            out.append(_org_with_of(ent))
            continue
        if ent.label_ != "PERSON":
            out.append(ent)
            continue
        start, end = ent.start, ent.end
        while end - start > 1 and (_is_title(doc[start], lexicons) or doc[start].lower_ in _SAID):
            start += 1  # "[Said] Whitman:" too
        # words NER took in before a first name: "[Billionaire] Donald Trump", "[McCain
        # Challenger] Kelli Ward" (a first name the list lacks is taken for one: "Billie")
        names = [k for k in range(start, end - 1) if doc[k].text in lexicons.first_names]
        if names and names[0] > start:
            start = names[0]
        if end < len(doc) and doc[end].text in SUFFIXES:  # "Brent Bozell [III]"
            end += 1
        first = start - 1
        title = doc[first - 1] if first >= 1 else None  # "Minister [Rustem] Umerov"
        if (
            title is not None
            and (lexicons.roles.get(title.lower_) == "person" or title.text in lexicons.honorifics)
            and start == ent.start
            and doc[first].pos_ == "PROPN"
            and doc[first].ent_type_ == ""
            and doc[first].text[:1].isupper()
            and not _is_title(doc[first], lexicons)
            and doc[first].lower_ not in lexicons.roles
            and (not out or out[-1].end <= first)
        ):
            start = first
        if out and out[-1].label_ == "PERSON" and out[-1].end == start:
            start = out.pop().start
        out.append(Span(doc, start, end, label="PERSON"))
    return out


_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)*"
#: A byline on a line of its own: "By LISA MASCARO and KEVIN FREKING", "By Jane Doe, Reuters".
_BYLINE = re.compile(
    rf"^[ \t]*By[ \t]+{_NAME}(?:[ \t]*(?:,|and|&)[ \t]*{_NAME})*(?:[ \t]*,[^\n]{{0,40}})?[ \t]*$",
    re.M,
)
#: A dateline at a paragraph's start: "WASHINGTON (AP) —", "LONDON, March 3 (Reuters) -".
_DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Z .'’]{2,}?(?:,[^\n(—–]{0,20})?(?:\([A-Za-z .]+\))?[ \t]+[—–-]{1,2}[ \t]",
    re.M,
)
#: A credit line: "Associated Press writer Kevin Freking contributed to this report."
_CREDIT = re.compile(r"^[^\n]{0,200}\bcontributed (?:to this report|reporting)[^\n]*$", re.M)


def credit_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names its own newsroom: bylines, datelines and credit lines."""
    return [m.span() for rx in (_BYLINE, _DATELINE, _CREDIT) for m in rx.finditer(text)]


def _is_title(tok: Token, lexicons: Lexicons) -> bool:
    """A word before a name that is no part of it: a role ("Spokeswoman"), an honorific
    ("Mr.") or an abbreviated title ("Dr.", "Sen.", "Gov.", not an initial "J.")."""
    return (
        lexicons.roles.get(tok.lower_) == "person"
        or tok.text in lexicons.honorifics
        or _ABBREVIATED_TITLE.fullmatch(tok.text) is not None
    )


def _org_with_of(ent: Span) -> Span:
    """An organisation's name with the "of …" NER cut off: "[The American College] of
    Cardiology", "[Bank] of Portugal"."""
    doc, end = ent.doc, ent.end
    if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].is_title:
        k = end + 1
        while k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].is_title:
            k += 1
        if k > end + 1:
            return Span(doc, ent.start, k, label="ORG")
    return ent


def _persons_by_first_name(doc: Doc, lexicons: Lexicons) -> list[Span]:
    """The doc's entities, a name NER took for an organisation or a place made a person's
    when it starts with a known first name ("[Nikki Haley]" tagged ORG), and so is each
    later mention of that surname alone ("[Haley] said")."""
    ents = list(doc.ents)
    # the surname of a person the article names in full: "[Trump]" alone tagged ORG (not a
    # place: "Jordan" beside "Jim Jordan")
    named = {
        words[-1].text
        for ent in ents
        if ent.label_ == "PERSON"
        and len(words := [t for t in ent if t.is_alpha and t.is_title]) >= 2
    }
    surnames: set[str] = set()
    for n, ent in enumerate(ents):
        words = [t for t in ent if not t.is_punct]
        if (
            ent.label_ in _RELABEL
            and 2 <= len(words) <= 3
            and all(t.pos_ == "PROPN" and t.is_title for t in words)
            and words[0].text in lexicons.first_names
        ):
            ents[n] = Span(doc, ent.start, ent.end, label="PERSON")
            surnames.add(words[-1].text)
    if surnames or named:
        ents = [
            Span(doc, e.start, e.end, label="PERSON")
            if (e.label_ in _RELABEL and len(e) == 1 and e.text in surnames)
            or (e.label_ in _RELABEL_SURNAME and _surname_of(e) in named)
            else e
            for e in ents
        ]
    return ents


def _main_subject(ent: Span) -> bool:
    """Whether ``ent`` is the subject of its sentence's main verb, or of one joined to it
    ("Cox says …", "Cox arrived and said …"), not of a clause inside ("… says Obama is")."""
    head = ent.root.head
    while head.dep_ == "conj":
        head = head.head
    return ent.root.dep_ in _SUBJECT_DEPS and head.dep_ == "ROOT"


def _surname_of(ent: Span) -> str | None:
    """The one word of a name ("Trump", "Trump's"), else None."""
    words = [t for t in ent if t.tag_ != "POS" and not t.is_punct]
    return words[0].text if len(words) == 1 else None


def _name(span: Span) -> str:
    tokens = _strip_det(list(span))
    return _text(tokens) or span.text


class Resolver:
    """Canonical names, roles and pronoun antecedents for one article.

    Every lookup is indexed (entities by position, full names by surname, candidate
    antecedents by pronoun) so that an article's cost grows with its length, not with
    its length squared: a long article has as many pronouns as earlier entities.
    """

    def __init__(self, doc: Doc, lexicons: Lexicons, quotes: Sequence[Quote] = ()) -> None:
        self.doc = doc
        self.lexicons = lexicons
        self.quotes = QuoteIndex(quotes)
        # Doc.ents builds new spans on every access; a byline's or dateline's names are the
        # newsroom's, never an antecedent, a speaker or a target
        credits = credit_spans(doc.text)
        tidied = _tidy_names(doc, lexicons)
        self.ents = [e for e in tidied if not any(s <= e.start_char < t for s, t in credits)]
        # who may be the writer (writer()): a byline's names too
        # NER may take a writer's name for an organisation: "author [Dinesh D'Souza's]"
        self._opening = [
            e for e in tidied if e.label_ in ("PERSON", "ORG") and e.start_char < _OPENING
        ]
        self._ent_starts = [e.start for e in self.ents]  # sorted: entities never overlap
        self._ent_chars = [e.start_char for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON" and _strip_det(list(e))]
        # full names (two words or more) by surname: where each is mentioned, and each once
        self._full: dict[str, list[tuple[int, str]]] = {}
        for ent in self.persons:
            words = _name(ent).split()
            if len(words) > 1:
                self._full.setdefault(surname(words), []).append((ent.start, " ".join(words)))
        self._full_at = {last: [start for start, _ in known] for last, known in self._full.items()}
        # organisations named in full, by their last word: "the Post" after "The New York Post"
        self._orgs: dict[str, list[tuple[int, str]]] = {}
        for ent in self.ents:
            words = _name(ent).split()
            if ent.label_ == "ORG" and len(words) > 1:
                self._orgs.setdefault(words[-1], []).append((ent.start, " ".join(words)))
        self._fulls = {
            last: list(dict.fromkeys(f for _, f in known)) for last, known in self._full.items()
        }
        self._canonical: dict[tuple[int, int], str] = {}
        self._candidates: dict[tuple[str, str | None], _Candidates] = {}
        self._speakers: _Mentions | None = None  # persons who spoke, for _quoted_on
        self._writer: tuple[Span | None] | None = None  # found once, by writer()
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
        if ent.root.dep_ not in _SUBJECT_DEPS:
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
            self._canonical[key] = self.full_name(_name(ent), ent.start)
        return self._canonical[key]

    def entity_name(self, ent: Span) -> str:
        """The name of any entity: a person's :meth:`canonical` name, else its words without
        "the" or a possessive (an organisation's one word as the article last named it in
        full: "the Post" is "New York Post"), after the alias table ("GOP" -> "Republican
        Party")."""
        if ent.label_ == "PERSON":
            return self.canonical(ent)
        name = _name(ent)
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
                    words = _strip_det([t for t in child.subtree if not t.is_punct])
                    if not any(t.pos_ in ("NOUN", "PROPN") for t in words):
                        words = []  # an age: "Ron Harris, 47,"
                    break
        words = _strip_det(words)
        return _text(words)

    def by_title(self, mention: Span) -> str | None:
        """The person an article titled so ("the Russian president" -> "Vladimir Putin")."""
        words = _text(_strip_det(list(mention)))
        if not words:
            return None
        found = self._titled.get(words.lower(), [])
        return found[0] if len(found) == 1 else None

    def gender(self, name: str) -> str | None:
        """ "male", "female" or None for a canonical person name, from honorifics or first name."""
        if name in self._genders:
            return self._genders[name]
        return self.lexicons.first_names.get(name.split()[0])

    def antecedent(self, pronoun: Token, skip: Collection[str] = ()) -> Span | None:
        """The nearest preceding mention a pronoun can refer to, agreeing in gender and number:
        the nearest subject among them, else the nearest of any role.

        ``skip``: canonical names it cannot refer to (the subject, for an object pronoun).
        """
        word = pronoun.lower_
        key: tuple[str, str | None]
        if word in _PERSON_PRONOUNS:
            key = ("PERSON", pronoun_sex(word))
        elif word in _GROUP_PRONOUNS:
            key = ("group", None)
        elif word in ("it", "its"):
            key = ("it", None)
        else:
            return None
        found = self._candidates_for(*key)
        ent = found.subjects.last_before(pronoun.i, skip)
        ent = ent if ent is not None else found.all.last_before(pronoun.i, skip)
        sex = key[1]
        if ent is not None and sex is not None and self.gender(self.canonical(ent)) is None:
            # a person of unknown sex gives way to a recent one known to agree: "she" is
            # Ms. Lynch, named two sentences back, rather than Mitch McConnell just after
            other = self._candidates_for("known", sex).all.last_before(pronoun.i, skip)
            if other is not None and pronoun.i - other.end <= _RECENT:
                return other
        return ent

    def _candidates_for(self, kind: str, sex: str | None) -> _Candidates:
        """:meth:`_find_candidates`, found once per article."""
        if (kind, sex) not in self._candidates:
            self._candidates[kind, sex] = self._find_candidates(kind, sex)
        return self._candidates[kind, sex]

    def _find_candidates(self, kind: str, sex: str | None) -> _Candidates:
        """The mentions outside quotes a pronoun of ``kind`` (and ``sex``) can refer to;
        ``kind`` "known": persons known to be of ``sex``."""
        if kind == "known":
            ents = [
                e
                for e in self.persons
                if not self.in_quote(e.start_char) and self.gender(self.canonical(e)) == sex
            ]
            return _Candidates(_Mentions([], self.canonical), _Mentions(ents, self.canonical))
        wanted = {"PERSON": {"PERSON"}, "group": {"ORG", "NORP", "GPE"}, "it": {"ORG", "GPE"}}
        ents = [
            e for e in self.ents if e.label_ in wanted[kind] and not self.in_quote(e.start_char)
        ]
        if sex is not None:
            ents = [e for e in ents if self.gender(self.canonical(e)) in (sex, None)]
        subjects = [e for e in ents if e.root.dep_ in _SUBJECT_DEPS]
        return _Candidates(_Mentions(subjects, self.canonical), _Mentions(ents, self.canonical))

    def in_quote(self, offset: int) -> bool:
        """Whether ``offset`` lies inside a quotation."""
        return self.quotes.around(offset) is not None

    def speakers(self, subject: Token) -> Speaker:
        """Describe the speaker whose subject (head token) is ``subject``."""
        if subject.pos_ == "PRON":
            return self._pronoun(subject)
        heads = [subject, *subject.conjuncts]
        mention = self._mention(subject, heads)
        ents = self.ents_within(*mention)
        persons = [e for e in ents if e.label_ == "PERSON"]
        # not a person whose campaign, lawyer or opponent speaks: "[Clinton] campaign
        # chairman John Podesta", "[Clinton]'s opponent, Bernie Sanders"
        heads_of = [e for e in persons if not self._modifies(e)]
        if persons and not heads_of and subject.pos_ == "NOUN":
            if subject.lemma_.lower() in _ORG_OF_PERSON:  # "the Clinton campaign"
                name = f"{self.canonical(persons[-1])} {subject.lemma_.lower()}"
                return Speaker.one(name, None, "organization", mention)
            persons = []  # "Trump's lawyer": someone unnamed
        persons = heads_of
        if persons:
            names = [self.canonical(e) for e in persons]
            roles = [
                self.role_of(e) or self.roles.get(n) for e, n in zip(persons, names, strict=True)
            ]
            return Speaker(tuple(dict.fromkeys(names)), tuple(roles), "person", mention)
        author = self._author(subject)
        if author is not None:  # "according to [data from Counterpoint Research]"
            return self.entity_speaker(author, (mention[0], max(mention[1], author.end_char)))
        named = self._apposed_person(subject)
        if named is not None:  # "The chief executive, Anne Klibanski, said"
            ent, role = named
            span = (mention[0], ent.end_char)
            return Speaker.one(self.canonical(ent), role, "person", span)
        if subject.pos_ == "PROPN" and subject.text in self._full:  # a surname NER missed
            name = self.full_name(subject.text, subject.i)
            return Speaker.one(name, self.roles.get(name), "person", mention)
        words = _strip_det([self.doc[i] for i in mention_tokens(subject)])
        if subject.lower_ in _PARTY_MEMBERS:  # "the Kentucky Republican" just named
            described = self._described(subject, "person", party=True)
            if described is not None:
                return self._as_described(described, words, mention)
        own = self.ent_at(subject.i) if subject.ent_type_ else None
        if own is not None:  # the whole name, "The American College [of Cardiology]"
            span = (mention[0], max(mention[1], own.end_char))
            name = self.entity_name(own)
            own_type = _ENT_TYPES.get(own.label_, "unknown")
            joined = [self.ent_at(h.i) for h in heads[1:] if h.ent_type_]
            others = [self.entity_name(e) for e in joined if e is not None and e != own]
            if others:  # "The Justice Department and [the FBI] said"
                several = tuple(dict.fromkeys([name, *others]))
                return Speaker(several, (None,) * len(several), own_type, span)
            return Speaker.one(name, None, own_type, span)
        person = self.by_title(self.doc[words[0].i : words[-1].i + 1]) if words else None
        if person is not None:  # "the spokesman" the article named earlier
            return Speaker.one(person, self.roles.get(person), "person", mention)
        types = self.lexicons.roles
        kind = types.get(subject.lemma_.lower()) or types.get(subject.lower_)
        if kind is None:
            kind = "group" if subject.tag_ in ("NNS", "NNPS") else "unknown"
        described = self._described(subject, kind)
        if described is not None:  # "the senator", "the newspaper": who was just named
            return self._as_described(described, words, mention)
        return Speaker.one(_text(words), None, kind, mention)  # type: ignore[arg-type]

    def _as_described(self, ent: Span, words: list[Token], mention: tuple[int, int]) -> Speaker:
        """The speaker ``ent`` is, described by ``words`` (its role, for a person)."""
        found = self.entity_speaker(ent, mention)
        return replace(found, roles=(_text(words),)) if ent.label_ == "PERSON" else found

    def _described(self, subject: Token, kind: str, party: bool = False) -> Span | None:
        """The person or organisation a definite description refers to: the nearest subject
        of its kind in the last :data:`_RECENT` tokens, outside quotes ("McConnell … The
        Kentucky Republican said"; "The Post … the newspaper reported"). Not one that names
        its holder ("the British government"), but a ``party`` member's state may."""
        definite = any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children)
        # "the British government", "Clinton's campaign" name whose they are
        owned = any(
            c.dep_ == "poss" or (c.dep_ in ("amod", "compound") and c.ent_type_ and not party)
            for c in subject.children
        )
        if not definite or owned or subject.tag_ not in ("NN", "NNP"):
            return None
        if kind not in ("person", "organization"):
            return None
        found = self._candidates_for("PERSON" if kind == "person" else "it", None)
        return next(found.subjects.recent(subject.i), None)

    def _modifies(self, ent: Span) -> bool:
        """Whether a name only modifies another noun ("[Clinton]'s opponent", "the [Obama]
        administration"), not the person a mention is."""
        root = ent.root
        if root.dep_ not in ("poss", "compound", "nmod") or root.head.i < ent.end:
            return False
        other = self.ent_at(root.head.i)
        return other is None or other.label_ != "PERSON"

    def _author(self, subject: Token) -> Span | None:
        """Whose words a document stands for: "a report [by the agency]", "data [from X]",
        "a [YouGov] poll", "early results of exit polls conducted by [Edison Research]"; one
        that names none and is not new ("the poll", not "a poll") is by the author of the
        last of its kind that named one."""
        chain = [subject]
        for _ in range(2):  # "results [of] exit polls"
            of = next(
                (c for c in chain[-1].children if c.dep_ == "prep" and c.lower_ == "of"), None
            )
            obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
            if obj is None:
                break
            chain.append(obj)
        nouns = self.lexicons.source_nouns
        if not any(t.lemma_.lower() in nouns or t.lower_ in nouns for t in chain):
            return None
        for noun in chain:
            author = self._author_of(noun)
            if author is not None:
                return author
        # a document met before: "a Bloomberg poll … the poll found", "exit polls conducted
        # by Edison Research … early results of exit polls showed"; not a new one ("a poll")
        known = [t for t in chain if t.lemma_.lower() in nouns or t.lower_ in nouns]
        if any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in known[0].children):
            return None
        for tok in reversed(self.doc[: subject.i]):
            if tok.lemma_ == known[0].lemma_ and tok.pos_ == "NOUN":
                author = self._author_of(tok)
                if author is not None:
                    return author
        return None

    def _author_of(self, noun: Token) -> Span | None:
        """Who a document noun names as its author: a name before it ("a [YouGov] poll",
        "[Bloomberg]'s survey") or after "by" or "from", on it or on a participle
        ("documents released [by WikiLeaks]")."""
        for child in noun.children:
            ent = self.ent_at(child.i) if child.dep_ in ("compound", "poss") else None
            if ent is not None and ent.label_ in ("PERSON", "ORG"):
                return ent
        heads = [noun, *(c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN")]
        for head in heads:
            for prep in head.children:
                if prep.dep_ in ("prep", "agent") and prep.lower_ in ("by", "from"):
                    for obj in prep.children:
                        ent = self.ent_at(obj.i) if obj.dep_ == "pobj" else None
                        if ent is not None and ent.label_ in ("PERSON", "ORG", "GPE", "NORP"):
                            return ent
        return None

    def _apposed_person(self, subject: Token) -> tuple[Span, str | None] | None:
        """The person a title subject names in an apposition set off by commas, and the
        title as the role: "[The chief executive], [Anne Klibanski], said"."""
        if subject.pos_ != "NOUN":
            return None
        for child in subject.children:
            if child.dep_ != "appos":
                continue
            ents = self.ents_within(
                child.left_edge.idx, child.right_edge.idx + len(child.right_edge)
            )
            persons = [e for e in ents if e.label_ == "PERSON"]
            if persons:
                role = _text(_strip_det([self.doc[i] for i in mention_tokens(subject)]))
                return persons[0], role
        return None

    def entity_speaker(self, ent: Span, mention: tuple[int, int]) -> Speaker:
        """The speaker a named entity stands for, mentioned at ``mention``."""
        if ent.label_ == "PERSON":
            name = self.canonical(ent)
            return Speaker.one(name, self.role_of(ent) or self.roles.get(name), "person", mention)
        return Speaker.one(
            self.entity_name(ent), None, _ENT_TYPES.get(ent.label_, "unknown"), mention
        )

    def _mention(self, subject: Token, heads: list[Token]) -> tuple[int, int]:
        tokens = mention_tokens(subject)
        last = max(h.i for h in heads)
        for head in heads:  # a name apposed without a comma ("… German Chancellor Friedrich Merz")
            for child in head.children:
                between = self.doc[last + 1 : child.left_edge.i]
                if (
                    child.dep_ == "appos"
                    and child.i > last
                    and not any(t.is_punct for t in between)
                ):
                    last = child.i
        start = self.doc[tokens[0]]
        return start.idx, self.doc[last].idx + len(self.doc[last])

    def writer(self) -> Span | None:
        """The one person an article names as its writer, whom its "I" outside quotes
        means: an op-ed's headline "[Ann Coulter]: And Then There Was the One", a one-name
        byline ("By Ann Coulter"), or the author its opening names ("excerpts from
        bestselling author [Dinesh D'Souza]'s new book")."""
        if self._writer is None:
            found = {self.canonical(e): e for e in self._opening if self._writes(e)}
            self._writer = (next(iter(found.values())) if len(found) == 1 else None,)
        return self._writer[0]

    def _writes(self, ent: Span) -> bool:
        """Whether a name in an article's opening is given as its writer's."""
        before = self.doc[ent.start - 1] if ent.start else None
        if before is not None and before.lower_ in _WRITER_WORDS:
            return True  # "bestselling author Dinesh D'Souza's new book"
        if ent.label_ != "PERSON":
            return False
        line = self.doc.text.rfind("\n", 0, ent.start_char) + 1
        if before is not None and before.text == "By":  # a byline
            return before.idx == line
        after = self.doc[ent.end] if ent.end < len(self.doc) else None
        headline = line == 0 and not self.doc.text[: ent.start_char].strip()
        return headline and after is not None and after.text == ":"  # "Ann Coulter: …"

    def _pronoun(self, pronoun: Token) -> Speaker:
        span = (pronoun.idx, pronoun.idx + len(pronoun))
        if pronoun.lower_ in _FIRST_PERSON and not self.in_quote(pronoun.idx):
            writer = self.writer()  # the writer's own "I"
            if writer is not None:
                return Speaker.one(self.canonical(writer), None, "person", span)
        ent = self.antecedent(pronoun)
        if ent is None or ent.root.dep_ not in _SUBJECT_DEPS:  # no subject was just named
            ent = self._quoted_on(pronoun) or ent
        elif not _main_subject(ent) and pronoun_sex(pronoun.lower_) is not None:
            # "Cox says [Obama] is trying … He says": the speaker goes on, not the subject
            # of what he said
            ent = self._last_main_subject(pronoun) or ent
        if ent is None:
            kind: SpeakerType = "person" if pronoun.lower_ in _PERSON_PRONOUNS else "unknown"
            if pronoun.lower_ in _GROUP_PRONOUNS:
                kind = "group"
            return Speaker.one(None, None, kind, span)
        return self.entity_speaker(ent, span)

    def _last_main_subject(self, pronoun: Token) -> Span | None:
        """The nearest person before ``pronoun``, agreeing with it, who is the subject of a
        main clause (:func:`_main_subject`), in the last :data:`_RECENT` tokens."""
        subjects = self._candidates_for("PERSON", pronoun_sex(pronoun.lower_)).subjects
        return next((e for e in subjects.recent(pronoun.i) if _main_subject(e)), None)

    def _quoted_on(self, pronoun: Token) -> Span | None:
        """Who a speaking "he" or "she" beside a quote is, where no subject that agrees was
        just named: the last person who spoke (the subject of a speech verb) and agrees, in
        the last :data:`_RECENT` tokens, since a quote goes on with its speaker ('Sarandon
        said … Asked about Clinton, she replied: "…"'), though a person named in between,
        not as a subject, is nearer."""
        sex = pronoun_sex(pronoun.lower_)
        sent = pronoun.sent
        if sex is None or not self.quotes.overlapping(sent.start_char, sent.end_char):
            return None
        if self._speakers is None:
            cues = self.lexicons.cues
            self._speakers = _Mentions(
                [
                    e
                    for e in self.persons
                    if e.root.dep_ == "nsubj"
                    and cues.is_speech(e.root.head.lemma_.lower())
                    and not self.in_quote(e.start_char)
                ],
                self.canonical,
            )
        agree = (
            e
            for e in self._speakers.recent(pronoun.i)
            if self.gender(self.canonical(e)) in (sex, None)
        )
        return next(agree, None)


class _Mentions:
    """Mentions in text order, for finding the last one before a token whose name is not to
    be skipped without walking back over every earlier one."""

    def __init__(self, ents: list[Span], name: Callable[[Span], str]) -> None:
        self.ents = ents
        self._ends = [e.end for e in ents]  # sorted: entities never overlap
        self._name = name
        self._names: list[str] = []
        self._run: list[int] = []  # where the run of mentions of the same name begins

    def last_before(self, i: int, skip: Collection[str]) -> Span | None:
        """The last mention ending at or before token ``i`` whose name is not in ``skip``."""
        k = bisect_right(self._ends, i) - 1
        if skip and not self._names and self.ents:  # names are only needed to skip some
            self._names = [self._name(e) for e in self.ents]
            for n, name in enumerate(self._names):
                same = n > 0 and self._names[n - 1] == name
                self._run.append(self._run[n - 1] if same else n)
        while skip and k >= 0 and self._names[k] in skip:
            k = self._run[k] - 1  # past the whole run of that name at once
        return self.ents[k] if k >= 0 else None

    def recent(self, i: int) -> Iterator[Span]:
        """The mentions ending at or before token ``i``, nearest first, as far back as
        :data:`_RECENT` tokens."""
        k = bisect_right(self._ends, i) - 1
        while k >= 0 and i - self.ents[k].end <= _RECENT:
            yield self.ents[k]
            k -= 1


@dataclass(frozen=True)
class _Candidates:
    """What a kind of pronoun can refer to: the subjects among them, and all."""

    subjects: _Mentions
    all: _Mentions


def mention_tokens(subject: Token) -> list[int]:
    """Token indices of a subject's noun phrase up to its head, without determiners."""
    first = subject.left_edge.i
    doc = subject.doc
    while first < subject.i and (doc[first].dep_ in ("det", "punct") or doc[first].is_space):
        first += 1
    return list(range(first, subject.i + 1))
