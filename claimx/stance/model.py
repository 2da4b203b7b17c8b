"""The learned speaker-stance classifier: where a claim's speaker stands on one target.

The shipped model is a small transformer (all-MiniLM-L6-v2 cut to three layers, fine-tuned
on claimx's own speaker-stance annotations; weights in 8 bits) run by ONNX Runtime, with
its word-piece tokenizer: ``model.onnx``, ``tokenizer.json`` and ``meta.json`` in one
folder, installed with the package as ``claimx.stance_pipeline``. ``models/README.md`` is
its model card, ``models/student.py`` its build. The input is the sentence with the speaker
and the target marked (:mod:`claimx.stance.markers`), cut to
:data:`~claimx.stance.markers.MOST_WORDS` words.

Most users want :func:`score`; the pipeline uses :meth:`StanceModel.probabilities` on the
words it has already marked. This module imports ONNX Runtime: import it lazily.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import srsly

from ..types import STANCES as LABELS  # the classes, in a fixed order
from ..types import Stance
from .markers import check_target, marked_words, model_input
from .rules import decide

Probs = dict[str, float]
#: The files of a model folder.
FILES = ("model.onnx", "tokenizer.json", "meta.json")
#: Word pieces an input is cut to (as in training: models/transformer.py).
MAX_PIECES = 96


def default_path() -> Path:
    """The shipped model's directory: the package's resource ``claimx.stance_pipeline``.

    ``CLAIMX_STANCE_MODEL`` overrides it: ``bench/stance_bench.py --model`` hands its model to
    the ``claimx extract`` it runs this way.
    """
    env = os.environ.get("CLAIMX_STANCE_MODEL")
    if env:
        return Path(env)
    try:
        folder = resources.files("claimx.stance_pipeline")
    except ModuleNotFoundError:
        # Python run from the checkout's root (bench/ puts it first on sys.path) imports the
        # source folder claimx/, where the install's mapping of models/stance is absent
        return Path(__file__).resolve().parents[2] / "models" / "stance"
    if not isinstance(folder, Path):
        raise FileNotFoundError(f"the stance model at {folder} is not a folder to read it from")
    return folder


def calibrate(probs: Probs, temperature: float) -> Probs:
    """``probs`` softened (temperature > 1) or sharpened (< 1): p ** (1 / T), renormalized.

    The class with the highest probability stays the highest; only the confidence changes.
    """
    powered = {label: max(p, 1e-9) ** (1.0 / temperature) for label, p in probs.items()}
    total = sum(powered.values())
    return {label: p / total for label, p in powered.items()}


class StanceModel:
    """A loaded stance model; cheap to call, safe to reuse. One thread: claimx runs one
    process per core (``-j``), and the parse beside it is single-threaded too.

    It is read from the folder ``path``, or, without one, from ``files``: the contents of
    each of :data:`FILES` (what :meth:`to_bytes` saves), which it then keeps.
    """

    def __init__(
        self, path: Path | None = None, *, files: Mapping[str, bytes] | None = None
    ) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        if (path is None) == (files is None):
            raise TypeError("StanceModel takes either a folder or the contents of its files")
        self.path = path
        self.files = None if files is None else {name: files[name] for name in FILES}
        where = path if path is not None else "<bytes>"
        meta = json.loads(self.read("meta.json"))
        if tuple(meta.get("labels", ())) != LABELS:
            raise ValueError(f"stance model at {where} has labels {meta.get('labels')}")
        #: Softmax temperature fitted on held-out data by the build (1: as trained).
        self.temperature = float(meta.get("temperature", 1.0))
        #: Offsets added to each class's logit, fitted on held-out data for macro F1: trained
        #: on a majority of neutral pairs, the model calls neutral more often than it should.
        biases = meta.get("biases", {})
        self.biases = np.array([float(biases.get(label, 0.0)) for label in LABELS])
        self.meta = meta
        self.tokenizer = Tokenizer.from_str(self.read("tokenizer.json").decode("utf-8"))
        self.tokenizer.enable_truncation(MAX_PIECES)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # from a folder, ONNX Runtime reads the weights itself: no second copy stays in memory
        weights = str(path / "model.onnx") if path is not None else self.read("model.onnx")
        self.session = onnxruntime.InferenceSession(
            weights, options, providers=["CPUExecutionProvider"]
        )

    def read(self, name: str) -> bytes:
        """The contents of the model's file ``name`` (one of :data:`FILES`)."""
        if self.files is not None:
            return self.files[name]
        assert self.path is not None  # __init__ took one or the other
        return (self.path / name).read_bytes()

    def probabilities(
        self, inputs: Iterable[str | Sequence[str]], batch_size: int = 32
    ) -> list[Probs]:
        """Class probabilities for marked pairs (a marked text, or the marked words of
        :func:`marked_words`), with the model's class biases and calibrated by its
        temperature. Inputs of similar length are batched together."""
        texts = [x if isinstance(x, str) else model_input(x) for x in inputs]
        encoded = self.tokenizer.encode_batch(texts)
        out = np.zeros((len(texts), len(LABELS)))
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        for at in range(0, len(order), batch_size):
            batch = order[at : at + batch_size]
            width = max(len(encoded[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encoded[i].ids)
                ids[row, :n] = encoded[i].ids
                mask[row, :n] = 1
            (logits,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            logits = (logits + self.biases) / self.temperature
            exp = np.exp(logits - logits.max(1, keepdims=True))
            out[batch] = exp / exp.sum(1, keepdims=True)
        return [dict(zip(LABELS, map(float, row), strict=True)) for row in out]

    def to_disk(self, path: Path) -> None:
        """Copy the model's files to the folder ``path``."""
        path.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            if self.path is not None:
                shutil.copy2(self.path / name, path / name)
            else:
                (path / name).write_bytes(self.read(name))

    def to_bytes(self) -> bytes:
        """The model's files, for :meth:`from_bytes`."""
        return srsly.msgpack_dumps({name: self.read(name) for name in FILES})

    @classmethod
    def from_bytes(cls, data: bytes) -> StanceModel:
        """The model whose files :meth:`to_bytes` gave as ``data``."""
        files = srsly.msgpack_loads(data)
        missing = [name for name in FILES if name not in files]
        if missing:
            raise ValueError(f"no stance model in these bytes (missing {', '.join(missing)})")
        return cls(files=files)


def load_stance_model(path: Path | str | None = None) -> StanceModel:
    """Load a stance model from the folder ``path`` (default: the shipped one)."""
    path = Path(path) if path is not None else default_path()
    missing = [name for name in FILES if not (path / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"no stance model at {path} (missing {', '.join(missing)}): rebuild it with "
            "`make models`"
        )
    return StanceModel(path)


@lru_cache(maxsize=1)
def default_stance_model() -> StanceModel:
    """The shipped stance model, loaded once per process."""
    return load_stance_model()


@lru_cache(maxsize=1)
def _sentences() -> object:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def score(
    text: str, target: tuple[int, int], speaker: tuple[int, int] | None = None
) -> tuple[Stance, float]:
    """The stance the speaker ``text[speaker[0]:speaker[1]]`` takes toward the target
    ``text[target[0]:target[1]]``: (label, score in [-1, 1]).

    The label is support, oppose or neutral; the score is P(support) - P(oppose) of the shipped
    model, its probabilities calibrated on held-out data. The model reads one sentence: in a
    longer text, the one the target starts in (a speaker elsewhere is put before it). Without
    ``speaker``, the model reads the sentence with the target alone marked, which it was not
    trained for: name the speaker.

    >>> score("The senator praised Jones for her courage.", (20, 25), (0, 11))  # doctest: +SKIP
    ('support', 0.85)
    """
    check_target(text, target)
    if speaker is not None:
        check_target(text, speaker)
    model = default_stance_model()
    doc = _sentences()(text)  # type: ignore[operator]
    span = doc.char_span(*target, alignment_mode="expand")
    assert span is not None  # "expand" always finds the tokens of a non-blank span
    who = doc.char_span(*speaker, alignment_mode="expand") if speaker is not None else None
    words = marked_words(doc[span.start].sent, span, who)
    return decide(model.probabilities([words])[0])
