"""Injected parts for the engine tests (test_engine*.py): a classifier and a responder whose behaviour is known and
that record what they were given."""

from classifier.prediction import Prediction

SIX = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]


class RecordingClassifier:
    """기쁨 when the text has 좋, 슬픔 when it has 슬/속상, else a flat (unsure) reading; records what it was given."""

    labels = SIX
    rows = {  # the first word found in a text decides its probabilities (SIX order)
        "좋": [0.04, 0.8, 0.04, 0.04, 0.04, 0.04],
        "슬": [0.04, 0.04, 0.04, 0.04, 0.8, 0.04],
        "속상": [0.04, 0.04, 0.04, 0.04, 0.8, 0.04],
    }
    otherwise = [1 / 6] * 6  # a text with none of the words

    def __init__(self):
        self.calls = []

    def predict(self, text):
        texts = [text] if isinstance(text, str) else text
        self.calls.append(list(texts))
        found = [next((p for word, p in self.rows.items() if word in t), self.otherwise) for t in texts]
        predictions = [Prediction.from_probabilities(self.labels, p) for p in found]
        return predictions[0] if isinstance(text, str) else predictions


class RecordingResponder:
    """Returns its candidates in order; records every call."""

    def __init__(self, *replies):
        self.replies, self.calls = list(replies or ["그랬군요. 더 이야기해 줄래요?"]), []

    def generate_candidates(self, context, emotion=None, n=4, **options):
        self.calls.append((list(context), emotion, options))
        return self.replies[:n]

    def generate(self, context, emotion=None, **options):
        return self.generate_candidates(context, emotion, 1, **options)[0]

    def stream(self, context, emotion=None, **options):
        yield self.generate(context, emotion, **options)
