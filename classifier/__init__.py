"""Emotion classifiers behind one API: KoBERT (`EmotionClassifier`) and a CPU-light TF-IDF backend.

Nothing heavy (torch, transformers, scikit-learn) is imported until a name is used.
"""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

_EXPORTS = {
    "Prediction": "classifier.prediction",
    "Classifier": "classifier.contract",
    "EmotionClassifier": "classifier.model",
    "ClassifierConfig": "classifier.model",
    "KoBertTokenizer": "classifier.tokenization",
    "load_kobert_tokenizer": "classifier.tokenization",
    "LightEmotionClassifier": "classifier.light",
    "load_classifier": "classifier.loading",
}
__all__ = [  # the package's names; each loads from its module on first use (_EXPORTS)
    "Classifier",
    "ClassifierConfig",
    "EmotionClassifier",
    "KoBertTokenizer",
    "LightEmotionClassifier",
    "Prediction",
    "load_classifier",
    "load_kobert_tokenizer",
]

if TYPE_CHECKING:  # type checkers and IDEs see the names; at run time they load on first use
    from classifier.contract import Classifier
    from classifier.light import LightEmotionClassifier
    from classifier.loading import load_classifier
    from classifier.model import ClassifierConfig, EmotionClassifier
    from classifier.prediction import Prediction
    from classifier.tokenization import KoBertTokenizer, load_kobert_tokenizer


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
