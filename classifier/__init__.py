"""Emotion classifiers behind one API: KoBERT (`EmotionClassifier`) and a CPU-light TF-IDF backend.

Nothing heavy (torch, transformers, scikit-learn) is imported until a name is used.
"""
from importlib import import_module

_EXPORTS = {
    "Prediction": "classifier.prediction",
    "EmotionClassifier": "classifier.model", "ClassifierConfig": "classifier.model",
    "KoBertTokenizer": "classifier.tokenization", "load_kobert_tokenizer": "classifier.tokenization",
    "LightEmotionClassifier": "classifier.light",
    "load_classifier": "classifier.loading",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
