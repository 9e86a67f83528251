"""Korean corpus loaders, one emotion taxonomy, deterministic splits and the built-in demo set.

Nothing is read at import time; every name below is imported on first use.
"""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

_EXPORTS = {
    "Utterance": "data.records",
    "DialogueExample": "data.records",
    "Corpus": "data.records",
    "LoadReport": "data.records",
    "DataError": "data.records",
    "load_any": "data.loaders",
    "load_wellness": "data.loaders",
    "load_emotional_dialogue": "data.loaders",
    "load_keti_single_turn": "data.loaders",
    "load_keti_multi_turn": "data.loaders",
    "load_chatbot_data": "data.loaders",
    "load_kote": "data.loaders",
    "load_nsmc": "data.loaders",
    "load_table": "data.loaders",
    "EMOTIONS": "data.taxonomy",
    "Taxonomy": "data.taxonomy",
    "Splits": "data.splits",
    "split_dataset": "data.splits",
    "load_demo": "data.demo",
}
__all__ = [  # the package's names; each loads from its module on first use (_EXPORTS)
    "Corpus",
    "DataError",
    "DialogueExample",
    "EMOTIONS",
    "LoadReport",
    "Splits",
    "Taxonomy",
    "Utterance",
    "load_any",
    "load_chatbot_data",
    "load_demo",
    "load_emotional_dialogue",
    "load_keti_multi_turn",
    "load_keti_single_turn",
    "load_kote",
    "load_nsmc",
    "load_table",
    "load_wellness",
    "split_dataset",
]

if TYPE_CHECKING:  # type checkers and IDEs see the names; at run time they load on first use
    from data.demo import load_demo
    from data.loaders import (
        load_any,
        load_chatbot_data,
        load_emotional_dialogue,
        load_keti_multi_turn,
        load_keti_single_turn,
        load_kote,
        load_nsmc,
        load_table,
        load_wellness,
    )
    from data.records import Corpus, DataError, DialogueExample, LoadReport, Utterance
    from data.splits import Splits, split_dataset
    from data.taxonomy import EMOTIONS, Taxonomy


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
