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

from chatbot import Chatbot
from classifier.prediction import Prediction
from generator.retrieval import RetrievalConfig, RetrievalResponder

CONVERSATIONS = 20
TURNS = 3
EMOTIONS = ["일상", "기쁨", "분노", "불안", "슬픔", "우울"]
WORDS = ["사과", "바다", "기차", "우산", "연필", "고래", "단풍", "피아노", "눈사람", "등대",
         "감자", "나비", "호수", "풍선", "시계", "딸기", "거울", "달팽이", "소나무", "지도"]


class CodeWordClassifier:
    """Emotion = EMOTIONS[i % 6] for the conversation whose code word is in the text; sleeps to interleave."""

    labels = EMOTIONS

    def predict(self, text):
        time.sleep(random.uniform(0, 0.01))
        index = next(i for i, word in enumerate(WORDS) if word in text)
        probabilities = [0.02] * len(EMOTIONS)
        probabilities[index % len(EMOTIONS)] = 0.9
        return Prediction.from_probabilities(EMOTIONS, probabilities)


def test_parallel_conversations_do_not_cross_over():
    # every conversation owns TURNS + 1 replies, all filed under a message made of its code word only
    entries = [(f"{word} {word} {word}", f"[{word}] 답장 {n}", EMOTIONS[i % 6])
               for i, word in enumerate(WORDS) for n in range(TURNS + 1)]
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


def test_parallel_conversations_through_the_real_offline_engine(tmp_path):
    """The shipped offline parts (light classifier with Kiwi, TF-IDF retrieval) under 20 threads: each reply
    carries the emotion its own message gets alone, and a reply drawn for its own message."""
    import data

    bot = Chatbot.offline(checkpoints_dir=tmp_path)
    utterances = data.load_demo().utterances
    messages = [utterances[i * len(utterances) // CONVERSATIONS].text for i in range(CONVERSATIONS)]
    alone = [bot.classifier.predict(message).label for message in messages]
    plausible = [{entry.reply for _, entry in bot.responder.candidates(message, label, k=TURNS + 5)}
                 for message, label in zip(messages, alone)]
    start = threading.Barrier(CONVERSATIONS)

    def converse(index):
        history, seen = [], []
        start.wait()
        for turn in range(TURNS):
            reply = bot.reply(messages[index], history, seed=turn)
            seen.append(reply)
            history += [{"role": "user", "content": messages[index]}, {"role": "assistant", "content": reply.text}]
        return seen

    with ThreadPoolExecutor(CONVERSATIONS) as pool:
        results = list(pool.map(converse, range(CONVERSATIONS)))
    for index, replies in enumerate(results):
        assert [r.emotion for r in replies] == [alone[index]] * TURNS, messages[index]
        assert all(r.text in plausible[index] for r in replies), (messages[index], [r.text for r in replies])
        assert len({r.text for r in replies}) == TURNS
