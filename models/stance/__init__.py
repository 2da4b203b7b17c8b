"""The shipped stance model: a spaCy pipeline directory, installed as ``claimx.stance_pipeline``.

Built by ``models/build_stance.py`` (``make models``); its model card is ``models/README.md``.
Load it with ``claimx.stance.load()`` or ``spacy.load(PATH)``.
"""

from pathlib import Path

PATH = Path(__file__).resolve().parent
