"""The stance model's input: one sentence with its target, and the claim's speaker, marked.

``SPKSTART The senator SPKEND praised TGTSTART Jones TGTEND for her courage.`` The model
reads where the speaker stands on the target, so it sees both. A speaker outside the
target's sentence ("… ," he said. "She is a disgrace.") comes first, before a colon:
``SPKSTART he SPKEND : " TGTSTART She TGTEND is a disgrace . "``. Without a speaker only the
target is marked.

:func:`marked_words` marks a parsed sentence at inference; the build marks its training text
by character span (:func:`mark`) and splits it into words as spaCy does, and
``tests/test_target_marking.py`` checks that the two give the same words. The model reads
them cut to a window around the speaker and the target (:func:`window`, :func:`model_input`).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span

#: Marker tokens. Single alphabetic tokens so that spaCy's tokenizer never splits them.
OPEN = "TGTSTART"
CLOSE = "TGTEND"
SPEAKER_OPEN = "SPKSTART"
SPEAKER_CLOSE = "SPKEND"
#: Words of a marked sentence the learned model reads at most (:func:`window`).
MOST_WORDS = 60


def check_target(text: str, target: tuple[int, int]) -> None:
    """Raise ValueError unless ``target`` is a non-blank character span of ``text``."""
    start, end = target
    if not 0 <= start < end <= len(text) or not text[start:end].strip():
        raise ValueError(f"target {target!r} is not a non-empty span of a {len(text)}-char text")


def mark(text: str, target: tuple[int, int], speaker: tuple[int, int] | str | None = None) -> str:
    """``text`` with the character span ``target`` (start, end exclusive) in target markers
    and ``speaker`` in speaker markers: a span of ``text`` that does not overlap the target,
    or a name to put first (a speaker outside ``text``).

    How the build marks its training text; at inference claimx marks a parsed sentence's
    tokens instead (:func:`marked_words`), with the same words.
    """
    check_target(text, target)
    prefix = ""
    spans = [(target, OPEN, CLOSE)]
    if isinstance(speaker, str):
        prefix = f"{SPEAKER_OPEN} {' '.join(speaker.split())} {SPEAKER_CLOSE} : "
    elif speaker is not None and (speaker[1] <= target[0] or target[1] <= speaker[0]):
        check_target(text, speaker)
        spans.append((speaker, SPEAKER_OPEN, SPEAKER_CLOSE))
    parts: list[str] = []
    at = 0
    for (start, end), opening, closing in sorted(spans):
        parts += [text[at:start].strip(), opening, " ".join(text[start:end].split()), closing]
        at = end
    parts.append(text[at:].strip())
    return prefix + " ".join(part for part in parts if part)


def model_input(words: Sequence[str]) -> str:
    """What the learned model reads of a marked sentence's words: :func:`window` of them,
    joined by single spaces."""
    return " ".join(window(words, MOST_WORDS))


def marked_words(sent: Span, target: Span, speaker: Span | None = None) -> list[str]:
    """``sent``'s words with markers around ``target``, a span of the same doc that starts in
    ``sent`` (cut at the sentence's end if it runs past it), and around ``speaker``: in place
    where it lies in ``sent`` apart from the target, else first, before a colon."""
    start, end = target.start, min(target.end, sent.end)
    inside = speaker is not None and sent.start <= speaker.start and speaker.end <= sent.end
    if speaker is not None and inside and not (speaker.end <= start or end <= speaker.start):
        speaker = None  # the target is the speaker's own mention: mark the target only
    words: list[str] = []
    if speaker is not None and not inside:
        words += [SPEAKER_OPEN, *(t.text for t in speaker if not t.is_space), SPEAKER_CLOSE, ":"]
    opening = {start: OPEN}
    closing = {end: CLOSE}
    if speaker is not None and inside:
        opening[speaker.start] = SPEAKER_OPEN
        closing[speaker.end] = SPEAKER_CLOSE
    for tok in sent:
        if tok.i in closing:
            words.append(closing[tok.i])
        if tok.i in opening:
            words.append(opening[tok.i])
        if not tok.is_space:
            words.append(tok.text)
    words += [closing[i] for i in sorted(closing) if i >= sent.end]
    return words


def window(words: Sequence[str], most: int) -> list[str]:
    """At most ``most`` of a marked sentence's ``words``, around its target and speaker.

    A long sentence is cut to the words around the target and the speaker marked in it; where
    the two lie too far apart for that, the speaker goes first (as one outside the sentence
    does) and the rest is the words around the target. The learned model reads inputs cut
    so, in training as at run time.
    """
    words = list(words)
    if len(words) <= most:
        return words
    start, end = target_token_span(words)
    speaker = speaker_token_span(words)
    prefix: list[str] = []
    if speaker is not None:
        lo, hi = min(start, speaker[0]), max(end, speaker[1])
        if hi - lo <= most:
            start, end = lo, hi
        else:
            prefix = [*words[speaker[0] : speaker[1]], ":"]
            rest = words[: speaker[0]] + words[speaker[1] :]
            shift = speaker[1] - speaker[0] if speaker[0] < start else 0
            if speaker[0] == 0 and rest[:1] == [":"]:  # the speaker came first already
                rest, shift = rest[1:], shift + 1
            words, start, end = rest, start - shift, end - shift
    room = max(most - len(prefix), end - start)
    lo = max(0, min(start - (room - (end - start)) // 2, len(words) - room))
    return prefix + words[lo : lo + room]


def _marked_span(words: Sequence[str], opening: str, closing: str) -> tuple[int, int] | None:
    words = list(words)
    if opening not in words:
        return None
    start = words.index(opening)
    end = words.index(closing, start) + 1 if closing in words[start:] else len(words)
    return start, end


def target_token_span(words: Sequence[str]) -> tuple[int, int]:
    """Token range [start, end) of the marked target, markers included (all: not found)."""
    return _marked_span(words, OPEN, CLOSE) or (0, len(words))


def speaker_token_span(words: Sequence[str]) -> tuple[int, int] | None:
    """Token range [start, end) of the marked speaker, markers included (None: unmarked)."""
    return _marked_span(words, SPEAKER_OPEN, SPEAKER_CLOSE)
