"""Attribution: from a parsed ``Doc`` to claims (speaker, cue, content, target, stance).

A claim starts at a cue (a verb from the cue lexicon, or "according to") outside
quotation marks. Its speaker is the cue's subject, passive agent or "according to"
object; participles ("…, arguing that …") inherit the speaker of the cue they hang on.
Its content is the cue's complement clause, object or quoted words, widened to whole
quotes. Quotes that no cue claims go to the speaker of the neighbouring sentence.

The passes live in modules by job, each importing only those before it: ``article``
(the shared ``ParsedArticle`` and ``Frame``), ``content`` (what a cue attributes), ``frames``
(cues and their speakers), ``quoting`` (content and quotes), ``phrases`` (what names a
target), ``acts`` (the speaker's own act on a target), ``targets`` (finding them),
``fallback`` (claims with no cue verb) and ``assembly`` (frames to claims, with the stance
model).
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..lexicons import Lexicons
from ..stance import StanceModel
from ..types import Claim
from .article import ParsedArticle
from .assembly import dedupe, model_stance, to_claim, wider_net
from .content import (
    carve_nested,
    drop_reported_attitudes,
    merge_pronoun_participles,
    to_spans,
    trim_trailing_participle,
)
from .fallback import colon_frames, orphan_quote_frames
from .frames import cue_frames
from .quoting import attach_quotes


def find_claims(
    doc: Doc, lexicons: Lexicons, stance_model: StanceModel | None = None
) -> list[Claim]:
    """All attributed claims of ``doc`` in text order.

    ``lexicons`` holds every word list the passes look up. With ``stance_model``, the
    stance toward each target comes from it (and the cue's prior); without, from rules alone.
    """
    art = ParsedArticle.of(doc, lexicons)
    frames = cue_frames(art)
    merge_pronoun_participles(frames, doc)
    drop_reported_attitudes(frames)
    carve_nested(frames)
    for frame in frames.values():
        trim_trailing_participle(frame, doc)
        frame.spans = to_spans(frame.tokens, doc)
    attach_quotes(frames, art)
    found = [f for f in frames.values() if f.spans]
    found += colon_frames(art, found)
    found += orphan_quote_frames(found, art)
    built = [to_claim(f, art) for f in found]
    claims = [claim for claim, _ in built]
    if stance_model is not None:
        mentions = [m for _, m in built]
        extra = [wider_net(f, art, m, found) for f, m in zip(found, mentions, strict=True)]
        claims = model_stance(claims, mentions, found, art, stance_model, extra)
    claims.sort(key=lambda c: c.quote_spans[0])
    return dedupe(claims)
