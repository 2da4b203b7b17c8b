"""From frames to claims: offsets, cue, kind, target and stance (by rule, or re-decided by
the stance model), and one claim per content and cue."""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Doc, Token

from .. import stance
from ..cues import CueMatch
from ..quotes import QuoteIndex
from ..speakers import Speaker
from ..stance import StanceModel, marked_doc
from ..types import Claim, Kind
from .article import WORD, Article, Frame, cue_tokens, tokens_in
from .targets import find_target

JOINER = " … "
#: How a record writes the names (and roles) of several speakers sharing a cue.
NAMES = "; "


def to_claim(frame: Frame, art: Article) -> Claim:
    doc, text, resolver = art.doc, art.text, art.resolver
    speaker = frame.speaker or Speaker((), (), "unknown", None)
    cue_text, cue_span = _cue(frame.cue, doc)
    if frame.mark is not None:
        cue_text, cue_span = text[frame.mark[0] : frame.mark[1]], frame.mark
    content = tokens_in(doc, frame.spans)
    target, target_span = find_target(frame, doc, resolver, content, speaker)
    prior, negated = _prior(frame)
    polarity = sum(
        stance.word_polarity(
            t,
            art.root(t) if frame.cue is None else _content_root(t, frame),
            art.lexicons,
        )
        for t in content
    )
    label, score = stance.rule_stance(prior, negated, max(-1.0, min(1.0, polarity)))
    return Claim(
        speaker=NAMES.join(speaker.names) or None,
        speaker_role=NAMES.join(r or "" for r in speaker.roles) if any(speaker.roles) else None,
        speaker_type=speaker.type,
        speaker_span=speaker.span,
        cue=cue_text,
        cue_span=cue_span,
        quote=JOINER.join(text[s:e] for s, e in frame.spans),
        quote_spans=tuple(frame.spans),
        kind=_kind(text, frame.spans, art.index),
        target=target,
        target_span=target_span,
        stance=label,
        stance_score=score,
    )


def _prior(frame: Frame) -> tuple[float, bool]:
    """The cue's stance prior (0: none) and whether the cue is negated."""
    if frame.cue is None:
        return 0.0, False
    return frame.cue.entry.prior, stance.is_negated(frame.cue.verb)


def model_stance(
    claims: list[Claim], frames: list[Frame], art: Article, model: StanceModel
) -> list[Claim]:
    """Re-decide the stance of the claims with a target: the model reads the target's
    sentence with the target marked, and the cue's prior is combined with it."""
    todo, inputs = [], []
    for i, claim in enumerate(claims):
        if claim.target_span is None:
            continue
        span = art.doc.char_span(*claim.target_span, alignment_mode="expand")
        if span is None:
            continue
        sent = art.sents[art.sent_of[span.start]]
        todo.append(i)
        inputs.append(marked_doc(model.nlp.vocab, sent, span))
    out = list(claims)
    for i, probs in zip(todo, model.probabilities(inputs), strict=True):
        label, score = stance.combine(*_prior(frames[i]), probs)
        out[i] = replace(claims[i], stance=label, stance_score=score)
    return out


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
