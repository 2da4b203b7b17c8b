"""Speakers: the mention a claim is attributed to, its canonical name, role and type.

Resolution stays inside one article: a surname ("Peskov") resolves to the fullest name
the article gives ("Dmitry Peskov", :mod:`claimx.names`), a pronoun to the nearest preceding
compatible mention, and roles found at any mention ("Russian presidential spokesman") follow
the name to its later mentions. This module owns :class:`Speaker` and what a subject, a
description ("the senator", "the poll") or a pronoun makes of one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from .lexicons import Lexicons
from .mentions import (
    RECENT,
    SUBJECT_DEPS,
    Candidates,
    Mentions,
    main_subject,
    mention_tokens,
    pronoun_sex,
    strip_det,
    tokens_text,
)
from .names import ArticleNames
from .quotes import Quote
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
#: A party's member, singular, as a person: "the Arizona Republican".
_PARTY_MEMBERS = {"republican", "democrat", "independent"}
#: What a person's name before it makes an organisation of: "the Clinton campaign".
_ORG_OF_PERSON = {"administration", "campaign", "camp", "team", "government", "foundation"}
#: The first person outside quotes: the writer speaking in an op-ed or a book excerpt.
_FIRST_PERSON = {"i", "me"}
#: A word that makes the name after it, in an article's opening, its writer: "excerpts from
#: bestselling [author] Dinesh D'Souza's new book".
_WRITER_WORDS = {"author", "columnist", "contributor", "commentator"}


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


class Resolver(ArticleNames):
    """Speakers and pronoun antecedents for one article, on its :class:`ArticleNames`.

    Candidate antecedents are indexed by pronoun, so that an article's cost grows with its
    length, not with its length squared: a long article has as many pronouns as earlier
    entities.
    """

    def __init__(self, doc: Doc, lexicons: Lexicons, quotes: Sequence[Quote] = ()) -> None:
        super().__init__(doc, lexicons, quotes)
        self._candidates: dict[tuple[str, str | None], Candidates] = {}
        self._speakers: Mentions | None = None  # persons who spoke, for _quoted_on
        self._writer: tuple[Span | None] | None = None  # found once, by writer()

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
            if other is not None and pronoun.i - other.end <= RECENT:
                return other
        return ent

    def _candidates_for(self, kind: str, sex: str | None) -> Candidates:
        """:meth:`_find_candidates`, found once per article."""
        if (kind, sex) not in self._candidates:
            self._candidates[kind, sex] = self._find_candidates(kind, sex)
        return self._candidates[kind, sex]

    def _find_candidates(self, kind: str, sex: str | None) -> Candidates:
        """The mentions outside quotes a pronoun of ``kind`` (and ``sex``) can refer to;
        ``kind`` "known": persons known to be of ``sex``."""
        if kind == "known":
            ents = [
                e
                for e in self.persons
                if not self.in_quote(e.start_char) and self.gender(self.canonical(e)) == sex
            ]
            return Candidates(Mentions([], self.canonical), Mentions(ents, self.canonical))
        wanted = {"PERSON": {"PERSON"}, "group": {"ORG", "NORP", "GPE"}, "it": {"ORG", "GPE"}}
        ents = [
            e for e in self.ents if e.label_ in wanted[kind] and not self.in_quote(e.start_char)
        ]
        if sex is not None:
            ents = [e for e in ents if self.gender(self.canonical(e)) in (sex, None)]
        subjects = [e for e in ents if e.root.dep_ in SUBJECT_DEPS]
        return Candidates(Mentions(subjects, self.canonical), Mentions(ents, self.canonical))

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
        words = strip_det([self.doc[i] for i in mention_tokens(subject)])
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
        return Speaker.one(tokens_text(words), None, kind, mention)  # type: ignore[arg-type]

    def _as_described(self, ent: Span, words: list[Token], mention: tuple[int, int]) -> Speaker:
        """The speaker ``ent`` is, described by ``words`` (its role, for a person)."""
        found = self.entity_speaker(ent, mention)
        return replace(found, roles=(tokens_text(words),)) if ent.label_ == "PERSON" else found

    def _described(self, subject: Token, kind: str, party: bool = False) -> Span | None:
        """The person or organisation a definite description refers to: the nearest subject
        of its kind in the last :data:`RECENT` tokens, outside quotes ("McConnell … The
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
                role = tokens_text(strip_det([self.doc[i] for i in mention_tokens(subject)]))
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
        if ent is None or ent.root.dep_ not in SUBJECT_DEPS:  # no subject was just named
            ent = self._quoted_on(pronoun) or ent
        elif not main_subject(ent) and pronoun_sex(pronoun.lower_) is not None:
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
        main clause (:func:`main_subject`), in the last :data:`RECENT` tokens."""
        subjects = self._candidates_for("PERSON", pronoun_sex(pronoun.lower_)).subjects
        return next((e for e in subjects.recent(pronoun.i) if main_subject(e)), None)

    def _quoted_on(self, pronoun: Token) -> Span | None:
        """Who a speaking "he" or "she" beside a quote is, where no subject that agrees was
        just named: the last person who spoke (the subject of a speech verb) and agrees, in
        the last :data:`RECENT` tokens, since a quote goes on with its speaker ('Sarandon
        said … Asked about Clinton, she replied: "…"'), though a person named in between,
        not as a subject, is nearer."""
        sex = pronoun_sex(pronoun.lower_)
        sent = pronoun.sent
        if sex is None or not self.quotes.overlapping(sent.start_char, sent.end_char):
            return None
        if self._speakers is None:
            cues = self.lexicons.cues
            self._speakers = Mentions(
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
