"""TF-IDF rows for a few chat messages, without scikit-learn's per-call input checks.

`TfidfVectorizer.transform` validates its input and probes for dataframes on every call; for one chat message
that costs more than the arithmetic. `tfidf_rows` computes the same rows from a fitted vectorizer's own analyzer,
vocabulary and idf (tests check it equals `transform`), and is what the reply path uses.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.sparse import csr_matrix


def tfidf_rows(vectorizer, texts: list[str]):
    """`vectorizer.transform(texts)` for a fitted `TfidfVectorizer` with norm "l2" or None: (texts, features) CSR."""
    analyse = getattr(vectorizer, "_chat_analyzer", None)
    if analyse is None:
        analyse = vectorizer._chat_analyzer = vectorizer.build_analyzer()
    vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
    sublinear, norm = vectorizer.sublinear_tf, vectorizer.norm
    indptr, indices, values = [0], [], []
    for text in texts:
        counts: dict[int, int] = {}
        for gram in analyse(text):
            column = vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = sorted(counts)
        weights = [(1.0 + math.log(counts[c]) if sublinear else float(counts[c])) * idf[c] for c in columns]
        if norm == "l2":
            length = math.sqrt(sum(w * w for w in weights)) or 1.0
            weights = [w / length for w in weights]
        elif norm is not None:
            raise ValueError(f"tfidf_rows: norm={norm!r} is not supported (l2 or None)")
        indices += columns
        values += weights
        indptr.append(len(indices))
    return csr_matrix(
        (
            np.asarray(values, dtype=vectorizer.dtype),
            np.asarray(indices, dtype=np.int32),
            np.asarray(indptr, dtype=np.int32),
        ),
        shape=(len(texts), len(vocabulary)),
    )
