"""Emotion classifiers behind one API: KoBERT (`EmotionClassifier`) and a CPU-light TF-IDF backend.

Nothing heavy (torch, transformers, scikit-learn) is imported until a name is used.
"""

from typing import TYPE_CHECKING

from data.lazy import lazy_exports

if TYPE_CHECKING:  # the package's names (`X as X`: a re-export); each loads from its module on first use
    from classifier.contract import Classifier as Classifier
    from classifier.light import LightEmotionClassifier as LightEmotionClassifier
    from classifier.loading import load_classifier as load_classifier
    from classifier.model import ClassifierConfig as ClassifierConfig, EmotionClassifier as EmotionClassifier
    from classifier.prediction import Prediction as Prediction
    from classifier.tokenization import (
        KoBertTokenizer as KoBertTokenizer,
        load_kobert_tokenizer as load_kobert_tokenizer,
    )

__getattr__, __dir__, __all__ = lazy_exports(__name__)  # reads the block above
