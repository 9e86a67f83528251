"""20 conversations at once through one Chatbot: every reply and emotion belongs to its own conversation.

Each conversation has its own code word (in its messages, in the entries the responder can answer with, and
deciding its emotion); the classifier sleeps a random moment so threads interleave inside reply(). Any state
shared between calls — a cached prediction, context or rng on the object — would hand one conversation's reply
or emotion to another and fail the checks.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from chatbot import Chatbot
from classifier.prediction import Prediction
from generator.retrieval import RetrievalConfig, RetrievalResponder

CONVERSATIONS = 20
TURNS = 3
EMOTIONS = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]
WORDS = [
    "사과",
    "바다",
    "기차",
    "우산",
    "연필",
    "고래",
    "단풍",
    "피아노",
    "눈사람",
    "등대",
    "감자",
    "나비",
    "호수",
    "풍선",
    "시계",
    "딸기",
    "거울",
    "달팽이",
    "소나무",
    "지도",
]


class CodeWordClassifier:
    """Emotion = EMOTIONS[i % 6] for the conversation whose code word is in the text; sleeps to interleave."""

    labels = EMOTIONS

    def predict(self, text):
        time.sleep(random.uniform(0, 0.01))
        predictions = []
        for one in [text] if isinstance(text, str) else text:
            index = next(i for i, word in enumerate(WORDS) if word in one)
            probabilities = [0.02] * len(EMOTIONS)
            probabilities[index % len(EMOTIONS)] = 0.9
            predictions.append(Prediction.from_probabilities(EMOTIONS, probabilities))
        return predictions[0] if isinstance(text, str) else predictions


def test_parallel_conversations_do_not_cross_over():
    # every conversation owns TURNS + 1 replies, all filed under a message made of its code word only
    entries = [
        (f"{word} {word} {word}", f"[{word}] 답장 {n}", EMOTIONS[i % 6])
        for i, word in enumerate(WORDS)
        for n in range(TURNS + 1)
    ]
    responder = RetrievalResponder(entries, RetrievalConfig(top_k=TURNS + 1))  # candidates = its own replies
    bot = Chatbot(CodeWordClassifier(), responder, "test")
    start = threading.Barrier(CONVERSATIONS)

    def converse(index):
        word, history, seen = WORDS[index], [], []
        start.wait()
        for turn in range(TURNS):
            message = f"{word} {word} {word}"
            reply = bot.stream(message, history, seed=index * 100 + turn) if turn % 2 else None
            reply = list(reply)[-1] if reply is not None else bot.reply(message, history, seed=index * 100 + turn)
            seen.append((reply.text, reply.emotion))
            history += [{"role": "user", "content": message}, {"role": "assistant", "content": reply.text}]
        return index, seen

    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        results = list(pool.map(converse, range(CONVERSATIONS)))

    for index, seen in results:
        word = WORDS[index]
        texts = [text for text, _ in seen]
        assert all(text.startswith(f"[{word}]") for text in texts), (word, texts)
        assert all(emotion == EMOTIONS[index % 6] for _, emotion in seen), (word, seen)
        assert len(set(texts)) == TURNS, f"{word}: a reply was repeated within one conversation: {texts}"


@pytest.mark.slow  # builds or loads a whole engine, or waits on a server
def test_parallel_conversations_through_the_real_offline_engine(offline_chatbot):
    """The shipped offline parts (light classifier with Kiwi, retrieval over the reply bank) under 20 threads:
    every conversation gets exactly the replies and emotions it gets when it runs alone."""
    import data

    bot = offline_chatbot
    utterances = data.load_demo().utterances
    messages = [utterances[i * len(utterances) // CONVERSATIONS].text for i in range(CONVERSATIONS)]

    def converse(index, barrier=None):
        history, seen = [], []
        if barrier is not None:
            barrier.wait()
        for turn in range(TURNS):
            reply = bot.reply(messages[index], history, seed=turn)
            seen.append((reply.text, reply.emotion, reply.safety))
            history += [{"role": "user", "content": messages[index]}, {"role": "assistant", "content": reply.text}]
        return seen

    alone = [converse(index) for index in range(CONVERSATIONS)]
    start = threading.Barrier(CONVERSATIONS)
    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        together = list(pool.map(lambda index: converse(index, start), range(CONVERSATIONS)))
    for index in range(CONVERSATIONS):
        assert together[index] == alone[index], messages[index]
        assert len({text for text, _, _ in together[index]}) == TURNS  # and no reply repeated in a conversation
