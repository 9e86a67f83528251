"""Reply generators behind one API: KoGPT2 (`ResponseGenerator`) and retrieval (`RetrievalResponder`).

Nothing heavy is imported until a name is used.
"""
from importlib import import_module

_EXPORTS = {
    "ResponseGenerator": "generator.model", "GeneratorConfig": "generator.model",
    "load_kogpt2_tokenizer": "generator.tokenization",
    "RetrievalResponder": "generator.retrieval",
    "load_generator": "generator.loading",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
