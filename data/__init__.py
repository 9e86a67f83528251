"""Korean corpus loaders, one emotion taxonomy, deterministic splits and the built-in demo set.

Nothing is read at import time; every name below is imported on first use.
"""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

if TYPE_CHECKING:  # the package's names (`X as X`: a re-export); each loads from its module on first use
    from data.demo import load_demo as load_demo
    from data.loaders import (
        load_any as load_any,
        load_chatbot_data as load_chatbot_data,
        load_emotional_dialogue as load_emotional_dialogue,
        load_keti_multi_turn as load_keti_multi_turn,
        load_keti_single_turn as load_keti_single_turn,
        load_kote as load_kote,
        load_nsmc as load_nsmc,
        load_table as load_table,
        load_wellness as load_wellness,
    )
    from data.records import (
        Corpus as Corpus,
        DataError as DataError,
        DialogueExample as DialogueExample,
        LoadReport as LoadReport,
        Utterance as Utterance,
    )
    from data.splits import Splits as Splits, split_dataset as split_dataset
    from data.taxonomy import EMOTIONS as EMOTIONS, Taxonomy as Taxonomy

__getattr__, __dir__, __all__ = lazy_exports(__name__)  # reads the block above
