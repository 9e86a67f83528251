"""LightEmotionClassifier: TF-IDF char + Kiwi morpheme n-grams → one-vs-rest NB-SVM with a fitted softmax temperature.

Meaning beyond the characters: morphemes the model has no weight for are followed by the known morphemes nearest
to them in Kiwi's CoNg embedding space (`classifier.semantic.NeighbourExpansion`), so "햄스터가 떠났어" reads like
the "강아지가 죽었어" it was trained on even though the two share no word.

NB-SVM (Wang & Manning 2012): for each label, features are scaled by the naive-Bayes log-count ratio of that
label against the rest, a class-balanced binary LinearSVC is fitted on them, and its weights are interpolated
towards their mean magnitude. The result is still one linear model (coef = ratio × interpolated weights), so
inference and the saved format are the same as for the plain SVM.

Trains in seconds on CPU (KETI single-turn included, with the temperature folds).

Same API as EmotionClassifier (`predict`, `labels`, `save_pretrained`, `from_pretrained`). Saved without pickle:

    light_config.json    settings, labels, vocabularies (term lists in column order)
    light_model.safetensors  idf vectors, coefficient matrix, intercepts (float32)
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import overload

import numpy as np
from safetensors.numpy import load_file, save_file
from scipy.optimize import minimize_scalar
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC
from tqdm.auto import tqdm

from classifier import semantic
from classifier.contract import CONFIG_FILES
from classifier.features import tfidf_rows
from classifier.prediction import Prediction, check_texts
from classifier.semantic import CONTENT_TAGS, NeighbourExpansion
from training.files import atomic_directory, write_training_record

BACKEND = "light"
LIGHT_CONFIG = CONFIG_FILES[BACKEND]
LIGHT_WEIGHTS = "light_model.safetensors"
NOT_FITTED = "LightEmotionClassifier is not fitted: call fit(texts, labels) or from_pretrained(dir)"


@dataclass
class LightConfig:
    """Feature and model settings; every default was chosen on KETI single-turn validation data."""

    backend: str = BACKEND  # lets load_classifier pick the class from the directory
    analyzer: str = "char_wb"  # character n-grams inside words (padded by spaces): best of char/char_wb on KETI
    char_ngram_min: int = 1  # single syllables carry emotion (예: 헐, 와, 흑)
    char_ngram_max: int = 4  # up to four syllables: KETI validation macro-F1 as good as five, with fewer features
    char_min_df: int = 2  # n-grams seen once add many features and no validation macro-F1
    morphemes: bool = True  # Kiwi morpheme/tag n-grams: endings (-네/EF) and negation are emotion cues
    morph_ngram_max: int = 2  # morpheme uni+bigrams ("안/MAG 좋/VA"); trigrams added nothing on validation
    morph_min_df: int = 1  # keep every morpheme n-gram
    sublinear_tf: bool = True  # 1 + log(tf): repeated ㅋㅋㅋ should not dominate
    model: str = "nbsvm"  # "nbsvm", "svm" (LinearSVC; multi-class) or "logreg" (as good as svm, far slower);
    # nbsvm has the best macro-F1 in cross-validation on KETI's training part, more than class weights alone add
    C: float = 0.05  # nbsvm: best of 0.01–0.2 on KETI CV; svm wants 0.1, logreg ~3
    nb_alpha: float = 1.0  # nbsvm: add-alpha smoothing of the binarised feature counts (1 did better than 0.5)
    nb_interpolation: float = 0.5  # nbsvm: w' = (1-β)·mean|w| + β·w; best of quarter steps
    class_weight: str | None = "balanced"  # nbsvm binary fits: each label weighs as much as the rest
    max_iter: int = 2000  # solver iterations; both converge well below this on KETI
    temperature: float = 1.0  # softmax(temperature × decision) — fitted on cross-validated scores for svm/nbsvm
    calibration_folds: int = 3  # folds for the temperature fit (3 extra fits of a few seconds)
    semantic: bool = True  # unknown morphemes → nearest known ones by meaning (Kiwi CoNg); needs morphemes=True
    semantic_min_count: int = 2  # a morpheme needs this many training occurrences to be a "known" expansion target
    semantic_max_vocabulary: int = (
        4000  # most frequent targets kept: each unknown morpheme is compared with all of them
    )
    semantic_neighbours: int = 3  # nearest known morphemes added per unknown one
    semantic_min_similarity: float = 0.5  # CoNg cosine below this is another field of meaning
    coverage_scaling: bool = True  # less confident on text the model barely knows (emotion display); the crisis
    # detector turns it off, since near-equal scores there would read as risk

    @classmethod
    def from_dict(cls, values: dict) -> LightConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


class LightEmotionClassifier:
    """CPU-light emotion classifier. `fit(texts, labels)`; `predict("문장")` → Prediction; list → list."""

    def __init__(self, config: LightConfig | None = None):
        self.config = config or LightConfig()
        self.char_vectorizer: TfidfVectorizer | None = None
        self.morph_vectorizer: TfidfVectorizer | None = None  # when config.morphemes
        self.coef: np.ndarray | None = None  # (num_labels, num_features) float32
        self.intercept: np.ndarray | None = None  # (num_labels,) float32
        self.expansion: NeighbourExpansion | None = None  # when config.semantic
        self._labels: list[str] = []

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    # ---------------------------------------------------------------- features
    def _new_vectorizers(
        self, char_vocabulary=None, morph_vocabulary=None
    ) -> tuple[TfidfVectorizer, TfidfVectorizer | None]:
        """Unfitted vectorizers (fixed vocabularies when given) → (char, morph or None); also kept on `self`."""
        c = self.config
        self.char_vectorizer = TfidfVectorizer(
            analyzer=c.analyzer,
            ngram_range=(c.char_ngram_min, c.char_ngram_max),
            min_df=c.char_min_df,
            sublinear_tf=c.sublinear_tf,
            lowercase=True,
            vocabulary=char_vocabulary,
            dtype=np.float32,
        )
        self.morph_vectorizer = None
        if c.morphemes:
            self.morph_vectorizer = TfidfVectorizer(
                analyzer="word",
                token_pattern=r"\S+",
                ngram_range=(1, c.morph_ngram_max),
                min_df=c.morph_min_df,
                sublinear_tf=c.sublinear_tf,
                lowercase=True,
                vocabulary=morph_vocabulary,
                dtype=np.float32,
            )
        return self.char_vectorizer, self.morph_vectorizer

    def _features(self, texts: list[str], fit: bool = False):
        """(texts, char_features + morph_features) sparse TF-IDF."""
        return self._features_and_coverage(texts, fit)[0]

    def _features_and_coverage(self, texts: list[str], fit: bool = False):
        """The features, and (texts,) how much of each text the model knows: the share of its morphemes that are
        in the vocabulary or have known neighbours in meaning (of its character n-grams without morphemes)."""
        if self.char_vectorizer is None:
            raise RuntimeError(NOT_FITTED)
        texts = [t.strip() for t in texts]
        transform = (lambda vectorizer, rows: vectorizer.transform(rows)) if len(texts) > 64 else tfidf_rows
        char = self.char_vectorizer.fit_transform(texts) if fit else transform(self.char_vectorizer, texts)
        if self.morph_vectorizer is None:
            analyse, vocabulary = self.char_vectorizer.build_analyzer(), self.char_vectorizer.vocabulary_
            known = [[gram in vocabulary for gram in analyse(text)] for text in texts]
            return char.tocsr(), _shares(known)
        tokenised = semantic.tokens(texts)
        if fit and self.config.semantic:
            self.expansion = _fit_expansion(tokenised, self.config)
        morph_texts = [semantic.morpheme_string(found, self.expansion) for found in tokenised]
        morph = (
            self.morph_vectorizer.fit_transform(morph_texts) if fit else transform(self.morph_vectorizer, morph_texts)
        )
        vocabulary = self.morph_vectorizer.vocabulary_
        known = [
            [
                f"{t.form}/{t.tag}".lower() in vocabulary
                or bool(self.expansion is not None and self.expansion.neighbours(t))
                for t in found
            ]
            for found in tokenised
        ]
        return hstack([char, morph], format="csr"), _shares(known)  # (texts, char + morph features), (texts,)

    # ---------------------------------------------------------------- training
    def fit(self, texts: list[str], labels: list[str], progress: bool = False) -> LightEmotionClassifier:
        """Fit vectorizers and the linear model; `labels` become the sorted distinct label names.
        `progress` shows a bar over the steps (morpheme analysis, one fit per label, calibration folds)."""
        texts, _ = check_texts(list(texts))
        if len(texts) != len(labels):
            raise ValueError(f"fit(): {len(texts)} texts but {len(labels)} labels")
        classes = sorted(set(labels))
        if len(classes) < 2:
            raise ValueError(f"fit(): need at least two distinct labels, got {classes}")
        folds = self.config.calibration_folds if self.config.model in ("svm", "nbsvm") else 0
        steps = 1 + len(classes) * (1 + folds) if self.config.model == "nbsvm" else 2 + folds
        self._progress = tqdm(total=steps, desc="light classifier", unit="step", disable=not progress, leave=False)
        self._new_vectorizers()
        features, coverage = self._features_and_coverage(texts, fit=True)  # (texts, features) sparse, (texts,)
        self._progress.update()
        label_array = np.asarray([str(label) for label in labels])
        self._labels = sorted(set(label_array.tolist()))  # str names, in the order sklearn's classes_ would have
        if self.config.model == "nbsvm":
            self.coef, self.intercept = self._fit_nbsvm(features, label_array)
        else:
            model = self._new_model()
            model.fit(features, label_array)
            self.coef = np.asarray(model.coef_, dtype=np.float32)
            self.intercept = np.asarray(model.intercept_, dtype=np.float32).reshape(-1)
            if len(self._labels) == 2:  # binary models store one row; expand to one row per class for softmax
                self.coef = np.vstack([-self.coef / 2, self.coef / 2])
                self.intercept = np.array([-self.intercept[0] / 2, self.intercept[0] / 2], dtype=np.float32)
            self._progress.update()
        self.config.temperature = 1.0
        if self.config.model in ("svm", "nbsvm"):
            self.config.temperature = self._fit_temperature(features, label_array, coverage)
        self._progress.close()
        del self._progress
        return self

    def _fit_nbsvm(self, features, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One-vs-rest NB-SVM → (coef (labels, features), intercept (labels,)) float32, rows as in `self._labels`."""
        c = self.config
        present = (features > 0).astype(np.float32)  # binarised counts for the log-count ratios
        coef = np.zeros((len(self._labels), features.shape[1]), dtype=np.float32)
        intercept = np.zeros(len(self._labels), dtype=np.float32)
        for row, label in enumerate(self._labels):
            positive = labels == label
            p = c.nb_alpha + np.asarray(present[positive].sum(axis=0)).ravel()
            q = c.nb_alpha + np.asarray(present[~positive].sum(axis=0)).ravel()
            ratio = np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)  # (features,)
            svm = LinearSVC(C=c.C, class_weight=c.class_weight, max_iter=c.max_iter, random_state=0)
            svm.fit(features.multiply(ratio).tocsr(), positive.astype(np.int8))
            w = svm.coef_.ravel()
            w = (1 - c.nb_interpolation) * np.abs(w).mean() + c.nb_interpolation * w
            coef[row] = ratio * w  # (x ∘ ratio) · w == x · (ratio ∘ w)
            intercept[row] = svm.intercept_[0]
            if getattr(self, "_progress", None) is not None:
                self._progress.update()
        return coef, intercept

    def _new_model(self):
        if self.config.model in ("svm", "nbsvm"):  # nbsvm: only _fit_nbsvm uses it (not via this model)
            return LinearSVC(C=self.config.C, max_iter=self.config.max_iter, random_state=0)  # deterministic
        if self.config.model == "logreg":
            return LogisticRegression(C=self.config.C, max_iter=self.config.max_iter, random_state=0)
        raise ValueError(f"LightConfig.model={self.config.model!r}: expected 'nbsvm', 'svm' or 'logreg'")

    def _fit_temperature(self, features, labels: np.ndarray, coverage: np.ndarray) -> float:
        """Scale of SVM margins that minimises log-loss on cross-validated scores (so probabilities mean something)."""
        folds = min(self.config.calibration_folds, int(np.bincount(np.unique(labels, return_inverse=True)[1]).min()))
        if folds < 2:
            return 1.0
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        if self.config.model == "nbsvm":
            scores = np.zeros((len(labels), len(self._labels)), dtype=np.float32)
            for train_rows, held_rows in splitter.split(np.zeros(len(labels)), labels):
                coef, intercept = self._fit_nbsvm(features[train_rows], labels[train_rows])
                scores[held_rows] = np.asarray(features[held_rows] @ coef.T) + intercept
        else:
            scores = cross_val_predict(self._new_model(), features, labels, cv=splitter, method="decision_function")
        if scores.ndim == 1:  # binary: one margin → two symmetric columns
            scores = np.stack([-scores / 2, scores / 2], axis=1)
        if self.config.coverage_scaling:
            scores = scores * coverage[:, None]  # as predict_proba scales them
        gold = np.searchsorted(np.asarray(self._labels), labels)

        def log_loss(log_t: float) -> float:
            z = np.exp(log_t) * scores
            z = z - z.max(axis=1, keepdims=True)
            return float(-(z[np.arange(len(gold)), gold] - np.log(np.exp(z).sum(axis=1))).mean())

        return float(np.exp(minimize_scalar(log_loss, bounds=(-3, 4), method="bounded").x))

    # ---------------------------------------------------------------- inference
    def _fitted(self) -> tuple[TfidfVectorizer, np.ndarray, np.ndarray]:
        """(char vectorizer, coef, intercept) of a fitted model."""
        if self.char_vectorizer is None or self.coef is None or self.intercept is None:
            raise RuntimeError(NOT_FITTED)
        return self.char_vectorizer, self.coef, self.intercept

    def decision_function(self, texts: list[str]) -> np.ndarray:
        """(texts, num_labels) raw scores."""
        _, coef, intercept = self._fitted()
        features = self._features(texts)
        return np.asarray(features @ coef.T) + intercept

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """(texts, num_labels) softmax probabilities. The fitted temperature is scaled by how much of the text the
        model knows (`_features_and_coverage`): a script or words it never saw ("ㅁㄴㅇㄹ", "心配です") come out
        near equal instead of confidently wrong."""
        _, coef, intercept = self._fitted()
        features, coverage = self._features_and_coverage(texts)
        scores = np.asarray(features @ coef.T) + intercept  # (texts, labels)
        if not self.config.coverage_scaling:
            coverage = np.ones_like(coverage)
        scores = (self.config.temperature * coverage)[:, None] * scores
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    @overload
    def predict(self, text: str) -> Prediction: ...

    @overload
    def predict(self, text: list[str]) -> list[Prediction]: ...

    def predict(self, text: str | list[str]) -> Prediction | list[Prediction]:
        """One text → Prediction; a list → list of Prediction (same order)."""
        texts, single = check_texts(text)
        if not texts:
            return []
        predictions = [Prediction.from_probabilities(self._labels, row) for row in self.predict_proba(texts)]
        return predictions[0] if single else predictions

    # ---------------------------------------------------------------- persistence
    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """JSON (settings, labels, vocabularies) + safetensors (idf, coefficients), written atomically."""
        char_vectorizer, coef, intercept = self._fitted()

        def vocabulary_list(vectorizer) -> list[str]:
            terms = [""] * len(vectorizer.vocabulary_)
            for term, column in vectorizer.vocabulary_.items():
                terms[column] = term
            return terms

        def write(tmp: Path) -> None:
            tensors = {
                "char_idf": char_vectorizer.idf_.astype(np.float32),
                "coef": coef,
                "intercept": intercept,
            }
            meta = {
                **asdict(self.config),
                "labels": self._labels,
                "char_vocabulary": vocabulary_list(char_vectorizer),
            }
            if self.morph_vectorizer is not None:
                tensors["morph_idf"] = self.morph_vectorizer.idf_.astype(np.float32)
                meta["morph_vocabulary"] = vocabulary_list(self.morph_vectorizer)
            if self.expansion is not None:
                meta["semantic_expansion"] = self.expansion.to_dict()
            save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(tmp / LIGHT_WEIGHTS))
            (tmp / LIGHT_CONFIG).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            write_training_record(tmp, training_args, metrics)

        return atomic_directory(directory, write)

    @classmethod
    def from_pretrained(cls, directory: str | os.PathLike, device: str = "auto") -> LightEmotionClassifier:
        """Load a directory written by `save_pretrained`. `device` is accepted for API symmetry (always CPU)."""
        directory = Path(directory)
        for name in (LIGHT_CONFIG, LIGHT_WEIGHTS):
            if not (directory / name).is_file():
                raise FileNotFoundError(f"{directory}: no {name} — not a LightEmotionClassifier directory")
        meta = json.loads((directory / LIGHT_CONFIG).read_text(encoding="utf-8"))
        tensors = load_file(str(directory / LIGHT_WEIGHTS))
        model = cls(LightConfig.from_dict(meta))
        char_vectorizer, morph_vectorizer = model._new_vectorizers(
            char_vocabulary={term: i for i, term in enumerate(meta["char_vocabulary"])},
            morph_vocabulary={term: i for i, term in enumerate(meta.get("morph_vocabulary", []))} or None,
        )
        char_vectorizer.idf_ = tensors["char_idf"]
        if morph_vectorizer is not None:
            morph_vectorizer.idf_ = tensors["morph_idf"]
        model.coef, model.intercept = tensors["coef"], tensors["intercept"]
        model._labels = list(meta["labels"])
        if meta.get("semantic_expansion"):
            model.expansion = NeighbourExpansion.from_dict(meta["semantic_expansion"])
        return model

    def __repr__(self) -> str:
        size = 0 if self.coef is None else self.coef.shape[1]
        return f"LightEmotionClassifier(labels={self._labels}, features={size:,}, {self.config})"


def _fit_expansion(tokenised: list[list], config: LightConfig) -> NeighbourExpansion:
    """The expansion's known morphemes: those seen `semantic_min_count` times, the most frequent first."""
    counts = Counter((t.form, t.tag, t.id) for found in tokenised for t in found if t.tag in CONTENT_TAGS)
    frequent = [
        key for key, count in counts.most_common(config.semantic_max_vocabulary) if count >= config.semantic_min_count
    ]
    return NeighbourExpansion(
        sorted(frequent), neighbours=config.semantic_neighbours, min_similarity=config.semantic_min_similarity
    )


def _shares(known: list[list[bool]]) -> np.ndarray:
    """(texts,) the share of True per text (1.0 for an empty one)."""
    return np.asarray([sum(flags) / len(flags) if flags else 1.0 for flags in known], dtype=np.float32)
