"""From frames to claims: offsets, cue, kind, target and stance (by rule, or re-decided by
the stance model), and one claim per content and cue."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Token

from .. import stance
from ..cues import CueMatch
from ..quotes import QuoteIndex
from ..speakers import Speaker
from ..stance import StanceModel, marked_words
from ..types import SPEAKER_JOINER, Claim, Kind, Stance, Target
from .article import WORD, Frame, ParsedArticle, cue_tokens, tokens_in
from .targets import Mention, find_targets, more_targets

JOINER = " … "


def to_claim(frame: Frame, art: ParsedArticle) -> tuple[Claim, list[Mention]]:
    """The claim a frame makes, its stance by rule, and its targets' mentions (for the model)."""
    doc, text, resolver = art.doc, art.text, art.resolver
    speaker = frame.speaker or Speaker((), (), "unknown", None)
    cue_text, cue_span = _cue(frame.cue, doc)
    if frame.mark is not None:
        cue_text, cue_span = text[frame.mark[0] : frame.mark[1]], frame.mark
    content = tokens_in(doc, frame.spans)
    mentions = find_targets(frame, doc, resolver, content, speaker)
    prior, negated = _prior(frame)
    by_sent: dict[int, float] = {}
    for t in content:
        root = art.root(t) if frame.cue is None else _content_root(t, frame)
        polarity = stance.word_polarity(t, root, art.lexicons)
        by_sent[art.sent_of[t.i]] = by_sent.get(art.sent_of[t.i], 0.0) + polarity
    whole = stance.clip(sum(by_sent.values()))
    label, score = stance.rule_stance(prior, negated, whole)
    targets = []
    for n, m in enumerate(mentions):
        if n == 0:  # the main target: the whole content's polarity, as a claim without one
            polarity = whole
        else:  # another: the polarity of the content in its sentence
            polarity = stance.clip(by_sent.get(art.sent_of[_token_at(doc, m.span[0]).i], 0.0))
        t_label, t_score = stance.rule_stance(*_target_prior(m, prior, negated), polarity)
        targets.append(Target(m.name, m.span, t_label, t_score))
    claim = Claim(
        speaker=SPEAKER_JOINER.join(speaker.names) or None,
        speaker_role=SPEAKER_JOINER.join(r or "" for r in speaker.roles)
        if any(speaker.roles)
        else None,
        speaker_type=speaker.type,
        speaker_span=speaker.span,
        cue=cue_text,
        cue_span=cue_span,
        quote=JOINER.join(text[s:e] for s, e in frame.spans),
        quote_spans=tuple(frame.spans),
        kind=_kind(text, frame.spans, art.index),
        target=None,
        target_span=None,
        stance=label,
        stance_score=score,
    )
    return _with_targets(claim, targets), mentions


def wider_net(
    frame: Frame, art: ParsedArticle, found: list[Mention], frames: list[Frame]
) -> list[Mention]:
    """The targets beyond ``found`` that the stance model may keep (:func:`more_targets`).
    What another speaker's claim among ``frames`` says is that claim's: "The Kremlin welcomes
    dialogue, while London refuses to engage with Putin" gives the Kremlin no stance toward
    Putin. The other speaker stays a candidate ("Harris said when Kavanaugh responded …"):
    excluding the speakers too cost 0.005 on our dev split."""
    if frame.speaker is None or not frame.speaker.names:
        return []
    content = tokens_in(art.doc, frame.spans)
    sents = [art.sents[n] for n in sorted({art.sent_of[t.i] for t in content})]
    theirs: list[tuple[int, int]] = []
    own = set(frame.speaker.names)
    # only what lies in the claim's sentences can hold its targets: a long article's
    # other claims are passed over at a glance, not each compared span by span
    lo, hi = (sents[0].start_char, sents[-1].end_char) if sents else (0, 0)
    for other in frames:
        if other is frame or not any(s < hi and lo < e for s, e in other.spans):
            continue
        if other.speaker is not None and own & set(other.speaker.names):
            continue  # the same speaker's other claims ("criticized X …, noting that Y …")
        theirs += [
            (s, e) for s, e in other.spans if not any(s < e2 and s2 < e for s2, e2 in frame.spans)
        ]
    return more_targets(frame, sents, art.resolver, frame.speaker, found, theirs)


def _with_targets(claim: Claim, targets: list[Target]) -> Claim:
    """``claim`` with ``targets``, the first repeated as its main target and stance."""
    if not targets:
        return replace(claim, targets=())
    main = targets[0]
    return replace(
        claim,
        target=main.target,
        target_span=main.target_span,
        stance=main.stance,
        stance_score=main.stance_score,
        targets=tuple(targets),
    )


def _token_at(doc: Doc, offset: int) -> Token:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    assert span is not None
    return span[0]


def _prior(frame: Frame) -> tuple[float, bool]:
    """The cue's stance prior (0: none) and whether the cue is negated."""
    if frame.cue is None:
        return 0.0, False
    return frame.cue.entry.prior, stance.is_negated(frame.cue.verb)


def model_stance(
    claims: list[Claim],
    mentions: list[list[Mention]],
    frames: list[Frame],
    art: ParsedArticle,
    model: StanceModel,
    extra: list[list[Mention]] | None = None,
) -> list[Claim]:
    """Re-decide the stance toward every target of a claim with a speaker: the model reads the
    target's sentence with the speaker and the target marked, combined with what the rules
    know for sure (:func:`_target_prior`) and tilted by the content's polarity by rule.
    ``extra`` holds each claim's further candidates (:func:`wider_net`): a claim gains those
    the speaker is for or against, after its own. A topic ("regular contacts") takes the
    rules' stance, the model weighing in only where the rules find one: confirming that
    contacts continue is no stance toward them, though the model, which reads an own side's
    act as support, says otherwise."""
    todo: list[tuple[int, int]] = []
    inputs = []
    every = [list(m) + (extra[i] if extra else []) for i, m in enumerate(mentions)]
    for i, claim in enumerate(claims):
        if claim.speaker_span is None:
            continue  # no one's stance to read
        speaker = art.doc.char_span(*claim.speaker_span, alignment_mode="expand")
        for k, m in enumerate(every[i]):
            if not (m.entity or _rule_polarity(claim, k)):
                continue  # a topic the rules find no stance toward stays neutral
            span = art.doc.char_span(*m.span, alignment_mode="expand")
            if span is None:
                continue
            sent = art.sents[art.sent_of[span.start]]
            todo.append((i, k))
            inputs.append(marked_words(sent, span, speaker))
    decided: dict[tuple[int, int], tuple[Stance, float]] = {}
    for (i, k), probs in zip(todo, model.probabilities(inputs), strict=True):
        polarity = _rule_polarity(claims[i], k)
        if every[i][k].entity:
            prior = _target_prior(every[i][k], *_prior(frames[i]))
            decided[i, k] = stance.combine(*prior, stance.tilt(probs, polarity))
        else:  # a topic: the rules' evidence leads, the model weighs in
            decided[i, k] = stance.combine(polarity, False, probs)
    out = []
    for i, claim in enumerate(claims):
        targets = [
            replace(t, stance=decided[i, k][0], stance_score=decided[i, k][1])
            if (i, k) in decided
            else t
            for k, t in enumerate(claim.targets)
        ]
        for k in range(len(claim.targets), len(every[i])):
            if (i, k) in decided and decided[i, k][0] != "neutral":
                m = every[i][k]
                targets.append(Target(m.name, m.span, *decided[i, k]))
        out.append(_with_targets(claim, targets) if targets else claim)
    return out


def _rule_polarity(claim: Claim, k: int) -> float:
    """The rules' stance score toward the claim's ``k``-th target (0 for a further
    candidate, which the rules never scored)."""
    return claim.targets[k].stance_score if k < len(claim.targets) else 0.0


def _target_prior(m: Mention, prior: float, negated: bool) -> tuple[float, bool]:
    """What the rules know for sure about the stance toward one target: the cue's prior
    where the cue governs it ("accused [X] of"), else the speaker's own act on it
    ("to block [X's] nomination", its negation already counted); (0, False): nothing."""
    if m.governed and prior:
        return prior, negated
    return m.act, False


def _content_root(tok: Token, frame: Frame) -> Token:
    """The highest ancestor of ``tok`` still inside the content."""
    node = tok
    while node.head.i != node.i and node.head.i in frame.tokens:
        node = node.head
    return node


def _cue(m: CueMatch | None, doc: Doc) -> tuple[str | None, tuple[int, int] | None]:
    if m is None:
        return None, None
    tokens = cue_tokens(m)
    span = doc[tokens[0].i : tokens[-1].i + 1]
    return span.text, (span.start_char, span.end_char)


def _kind(text: str, spans: list[tuple[int, int]], index: QuoteIndex) -> Kind:
    words = [(m.start() + s, m.end() + s) for s, e in spans for m in WORD.finditer(text[s:e])]
    quoted = sum(1 for ws, we in words if (q := index.around(ws)) is not None and we < q.end)
    if words and quoted == len(words):
        return "direct"
    return "partial" if quoted else "indirect"


def dedupe(claims: list[Claim]) -> list[Claim]:
    seen: set[tuple[tuple[tuple[int, int], ...], tuple[int, int] | None]] = set()
    out = []
    for c in claims:
        key = (c.quote_spans, c.cue_span)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
