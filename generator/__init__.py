"""Responders behind one contract (`Responder`, `GenerationOptions`): KoGPT2 (`ResponseGenerator`) and retrieval
(`RetrievalResponder`), loaded from a saved directory by `load_responder`.

Nothing heavy is imported until a name is used.
"""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

if TYPE_CHECKING:  # the package's names (`X as X`: a re-export); each loads from its module on first use
    from generator.loading import load_responder as load_responder
    from generator.model import GeneratorConfig as GeneratorConfig, ResponseGenerator as ResponseGenerator
    from generator.responder import GenerationOptions as GenerationOptions, Responder as Responder
    from generator.retrieval import RetrievalResponder as RetrievalResponder
    from generator.tokenization import load_kogpt2_tokenizer as load_kogpt2_tokenizer

__getattr__, __dir__, __all__ = lazy_exports(__name__)  # reads the block above
