"""Responders behind one contract (`Responder`, `GenerationOptions`): KoGPT2 (`ResponseGenerator`) and retrieval
(`RetrievalResponder`), loaded from a saved directory by `load_responder`.

Nothing heavy is imported until a name is used.
"""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

_EXPORTS = {
    "ResponseGenerator": "generator.model",
    "GeneratorConfig": "generator.model",
    "load_kogpt2_tokenizer": "generator.tokenization",
    "RetrievalResponder": "generator.retrieval",
    "GenerationOptions": "generator.responder",
    "Responder": "generator.responder",
    "load_responder": "generator.loading",
}
__all__ = [  # the package's names; each loads from its module on first use (_EXPORTS)
    "GenerationOptions",
    "GeneratorConfig",
    "Responder",
    "ResponseGenerator",
    "RetrievalResponder",
    "load_kogpt2_tokenizer",
    "load_responder",
]

if TYPE_CHECKING:  # type checkers and IDEs see the names; at run time they load on first use
    from generator.loading import load_responder
    from generator.model import GeneratorConfig, ResponseGenerator
    from generator.responder import GenerationOptions, Responder
    from generator.retrieval import RetrievalResponder
    from generator.tokenization import load_kogpt2_tokenizer


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
