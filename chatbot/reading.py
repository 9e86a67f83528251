"""How the engine reads the emotion of a turn: the classifier's calibrated scores, leaning on the person's earlier
turns when the message alone says little ("응", "그니까ㅠ", "몰라 그냥"), and whether it is sure enough to answer
that emotion — or should ask an open, caring question instead of guessing.

Being wrong costs differently in each direction: congratulating a loss is the worst thing the bot can say, so
answering joy needs more certainty than answering sadness, and a reply that cheers is refused whenever a negative
reading is still likely (`forbidden_tones`). A message whose words name a setback ("면접 완전 망한듯", "시험 망함")
is never read as joy or small talk, however the classifier scores it; one that tells relief beside worry words
("수술까지는 안 해도 된대") leans toward joy, and one that hopes for an outcome not known yet ("합격했으면 좋겠다")
is read as worry, never joy (`message_cues.json`, `cue_scores`). Earlier turns are read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from chatbot.cues import (
    names_annoyance,
    names_bittersweet,
    names_flat,
    names_good_news,
    names_happy_tears,
    names_hope,
    names_hurt,
    names_relief,
    names_setback,
    names_shrug,
    only_acknowledges,
    opens_a_story,
    opens_with_contrast,
    question_then_self,
    tells_good_news,
    thanks_in_words,
    without_backchannel,
)
from data.taxonomy import VALENCE
from data.text import without_spaces

TEARS = re.compile("[ㅠㅜ]")  # crying marks, typed as compatibility jamo

HOPE_TO = "불안"  # a hoped-for outcome not known yet is waiting and worry in the labelling guide
RELIEF_TO = "기쁨"  # relief and things getting better are good news in the labelling guide
SETBACK_TO = "슬픔"  # the labelling guide reads a plain setback as sadness
ANNOYANCE_TO = "분노"  # irritation and unfairness are anger in the labelling guide
HURT_TO = "슬픔"  # hurt by someone close is sadness (서운함) in the labelling guide
FLAT_TO = "우울"  # feeling nothing where joy was expected is flat mood and emptiness in the labelling guide
SHRUG_TO = "일상"  # a small mishap taken lightly is everyday talk in the labelling guide
SHRUG_SHARE = 0.5  # …but only half of the negative share moves: the mishap itself still happened


def valence_share(scores: dict[str, float], valence: str) -> float:
    """The summed probability of the labels of one valence group ("positive", "neutral", "negative")."""
    return sum(p for label, p in scores.items() if VALENCE.get(label) == valence)


def _labels(scores: dict[str, float], *valences: str) -> set[str]:
    return {label for label in scores if VALENCE.get(label) in valences}


def _moved(scores: dict[str, float], sources: set[str], target: str, share: float = 1.0) -> dict[str, float]:
    """`scores` with `share` of every source label's probability moved to `target` (the total is unchanged)."""
    if target not in scores or share <= 0:
        return scores
    moved = {label: scores[label] * (1 - share) for label in sources}
    moved[target] = scores[target] + share * sum(scores[label] for label in sources)
    return {**scores, **moved}


# What a message's own words say for certain, in the order it is applied: (the words' test, the valence groups whose
# share moves, where it moves, how much of it; None = ReadingPolicy.relief_share). The classifier sees the words beside
# the cue: the outcome word in a hope, the laughter beside hurt, the worry words beside relief.
CUE_MOVES: tuple[tuple[Callable[[str], bool], tuple[str, ...], str, float | None], ...] = (
    (names_setback, ("positive", "neutral"), SETBACK_TO, 1.0),  # "면접 완전 망한듯": never joy or small talk
    (names_annoyance, ("positive", "neutral"), ANNOYANCE_TO, 1.0),  # "개노맛 시간아까움", "폭염 미쳤다"
    (names_flat, ("positive", "neutral"), FLAT_TO, 1.0),  # "퍼즐 천피스 완성했는데 아무 느낌이 없네"
    (names_hurt, ("positive", "neutral"), HURT_TO, 1.0),  # "…나도 따라 웃었지만 좀 서운했어"
    (names_hope, ("positive",), HOPE_TO, 1.0),  # "합격했으면 좋겠다": nothing has happened yet
    (names_relief, ("negative",), RELIEF_TO, None),  # "수술까지는 안 해도 된대", "덜 외로워졌어"
    (names_shrug, ("negative",), SHRUG_TO, SHRUG_SHARE),  # "우산 안 챙긴 내 잘못이지 뭐ㅋㅋ"
)


def cue_scores(text: str, scores: dict[str, float], relief_share: float) -> dict[str, float]:
    """`scores` of `text` after what its words say for certain (`CUE_MOVES`, in order): a named setback or
    annoyance, no joy felt where it was expected, hurt, a hope not met yet, then relief, then a mishap shrugged off."""
    for names, sources, target, share in CUE_MOVES:
        if names(text):
            scores = _moved(scores, _labels(scores, *sources), target, relief_share if share is None else share)
    return scores


@dataclass(frozen=True)
class ReadingPolicy:
    """When a reading counts as sure, and how much earlier turns weigh. Chosen on the development evaluation set."""

    sure_at: float = 0.45  # top probability to answer that emotion itself
    group_sure_at: float = 0.6  # or the probability of its valence group (슬픔 vs 우울 matters less than sad vs glad)
    positive_sure_at: float = 0.55  # answering joy needs more: congratulating a loss is the worst reply
    context_weight: float = 0.6  # the previous user turn's share when the message alone is unsure or short
    follow_weight: float = 0.6  # … and when it is not: people usually go on feeling what they just said
    context_neutral_share: float = 0.5  # how much of an earlier turn's small-talk share carries over: a greeting
    # before "오늘 좀 외로워" carries no feeling for the message to lean on
    short_message: int = 11  # characters (without spaces): shorter messages lean on earlier turns
    short_boost: float = 2.5  # … by this factor on context_weight: "ㅇㅇ" says little of its own
    short_sure_at: float = 0.7  # …unless the short message alone reads one feeling this surely ("근데 좀 무섭다";
    # "ㅇㅇ" read surely as small talk still leans)
    risky_share: float = 0.2  # a reply may not cheer when P(negative) reaches this, nor console when P(기쁨) does
    cheer_sure_at: float = 0.65  # …unless joy is read this surely: "나 드디어 면허 땀ㅋㅋㅋㅋ" is cheered, not asked
    # about driving; below it, tears or worry beside the news keep the cheer back ("엄마가 보내준 반찬 다 먹었다")
    agreed_cheer_at: float = 0.5  # …or when the classifier and the nearest written examples each read this much joy
    # in the message itself: news told flatly in words neither reader ties to a loss ("연봉협상 끝남 8% 오름")
    mixed_share: float = 0.35  # nor console a negative reading when P(기쁨) reaches this: good news told in sad
    # words ("울었는데 정규직 전환된대 ㅠㅠ") gets an open question; lower neutralises too many real consolations.
    # Joy carried over from earlier turns does not count when the message turns against them ("근데 면접 생각하니까
    # 벌써 떨리네" after good news is a new worry)
    agreed_joy_at: float = 0.15  # …and only when the classifier and the nearest written examples each see that much
    # joy: when one of them does not, the other matched the opposite news in the same words ("9회말에 역전당함" is
    # nearest to "9회말 역전승", "당뇨 판정" to "완치 판정")
    relief_share: float = 0.5  # of the negative share moved to joy when the message tells relief (CUE_MOVES)
    own_share: float = 0.65  # a follow-up's own words weigh too: no cheer when the message alone reads this negative,
    # no consolation when it reads this glad, whatever the earlier turns say ("근데 뭐 입고 가지 떨려" after good news)
    news_sure_at: float = 0.9  # a message that names good news and alone reads joy this surely is read on its own:
    # the news has changed ("헐 합격 문자 왔어!!" after "결과 오늘 나온대 폰만 보는 중")
    news_words_below: float = 0.5  # a message naming good news or relief is never consoled unless it alone reads
    # negative this much: the good-news word may be denied ("정규직 전환 안 됐어", "그때 붙었을 때 갈걸")
    story_sure_at: float = 0.85  # a first message that only opens a story ("소개팅 했는데") is asked about unless it
    # alone reads one valence group this surely ("오늘 삼촌 장례식이었는데"): how it went comes in the next turn
    neighbour_weight: float = 0.5  # share of the nearest written examples' vote (responder.emotion_votes): they
    # know this project's phrasings, the classifier generalises past them; chosen on the development conversations


@dataclass(frozen=True)
class EmotionReading:
    """The emotion read for a turn (after context), every emotion's probability, and whether to answer it."""

    label: str
    scores: dict[str, float] = field(default_factory=dict)
    sure: bool = True
    own: dict[str, float] = field(default_factory=dict)  # the message alone, before earlier turns were blended in
    glad_words: bool = False  # read as joy, and the message tells good news or thanks in its own words ("동생
    # 취업함ㅠㅠ", "…ㄱㅅ"): it may be cheered though tears or worry sit beside it
    agreed_joy: float = 1.0  # the lower of the classifier's and the nearest examples' P(기쁨) for the message alone
    # (1.0 when its words name good news)
    contrast: bool = False  # the message opens by turning against the earlier turns ("근데 …")
    news_words: bool = False  # the message itself names good news or relief ("솔직히 후련한것도 있어" after a
    # divorce filing): however sad the earlier turns read, consoling it would deny what it says
    bittersweet: bool = False  # the message names joy and sorrow at once ("막상 내고 나니 시원섭섭하네"): neither
    # cheered nor consoled
    readers_joy: float = 0.0  # the lower of the classifier's and the nearest examples' P(기쁨) for the message alone,
    # whatever its words say (0 without the examples' vote)
    tearful: bool = False  # crying marks and no good news in words ("다 풀었어ㅠㅠ"): a cheer would answer the tears
    # as joy unless the classifier and the nearest examples both read joy

    @property
    def valence(self) -> str | None:
        return VALENCE.get(self.label)

    def group_score(self, valence: str, own: bool = False) -> float:
        return valence_share(self.own if own else self.scores, valence)


def _sure(reading: EmotionReading, label: str, policy: ReadingPolicy, own: bool = False) -> bool:
    """Whether `label` is read surely enough to answer it: in the blended scores, or in the message alone."""
    scores = reading.own if own else reading.scores
    if VALENCE.get(label) == "positive":
        return scores[label] >= policy.positive_sure_at
    return scores[label] >= policy.sure_at or (
        VALENCE.get(label) == "negative" and reading.group_score("negative", own=own) >= policy.group_sure_at
    )


def read_emotion(
    classifier, message: str, earlier_user_turns=(), policy: ReadingPolicy | None = None, neighbours=None
) -> EmotionReading:
    """Classify `message`, blending in the nearest written examples' vote (`neighbours(message)` → emotion
    shares, e.g. `RetrievalResponder.emotion_votes`) and the last two earlier user turns — unless the message tells
    relief: then the news has changed and the earlier worry no longer says how the person feels."""
    policy = policy or ReadingPolicy()
    asked_then_told = question_then_self(message)
    if asked_then_told:  # "너도 외로울때 있어? 난 요즘 맨날 그래": what they tell of themselves says how they feel,
        # read after the question as after an earlier turn (alone, "난 가을" would read the gloom 난 often opens)
        earlier_user_turns, message = [*earlier_user_turns, asked_then_told[0]], asked_then_told[1]
    earlier = [turn for turn in list(earlier_user_turns)[-2:] if turn.strip()]
    contrast = bool(earlier) and opens_with_contrast(message)  # before "근데" goes with the backchannel
    message = without_backchannel(message)  # "ㅇㅇ" before the words would read the whole message as small talk
    earlier = [without_backchannel(turn) for turn in earlier]
    predictions = classifier.predict([message, *reversed(earlier)])  # the message, then newest earlier turn first
    scores = {label: float(p) for label, p in predictions[0].scores.items()}
    votes = neighbours(message) if neighbours is not None and policy.neighbour_weight > 0 else {}
    agreed_joy = valence_share(scores, "positive")
    if votes and set(votes) <= set(scores):
        agreed_joy = min(agreed_joy, valence_share(votes, "positive"))
        scores = {
            label: (1 - policy.neighbour_weight) * p + policy.neighbour_weight * votes.get(label, 0.0)
            for label, p in scores.items()
        }
    readers_joy = agreed_joy if votes else 0.0  # before the words have their say: both readers, or nobody
    good_news = names_good_news(message)
    if good_news:  # the words themselves tell the news, whatever either reader matched
        agreed_joy = 1.0
    scores = cue_scores(message, scores, policy.relief_share)
    if names_happy_tears(message) and readers_joy >= policy.agreed_joy_at:  # tears of joy, when both readers see
        # joy too ("시험 붙었는데 왜 눈물이 나지ㅠㅠ"; not "작년에 붙었던 그 회사 그냥 갈걸ㅠ", a regret)
        scores = _moved(scores, _labels(scores, "negative"), RELIEF_TO, policy.relief_share)
    if earlier and only_acknowledges(message):
        # "그니까" alone says no feeling of its own (the classifier learnt it from complaints): after a sad story it
        # agrees with the sadness, so the earlier turns decide
        scores = dict.fromkeys(scores, 1.0 / len(scores))
    own = dict(scores)
    own_label = max(scores, key=lambda name: scores[name])
    says_a_feeling = VALENCE.get(own_label) != "neutral" and scores[own_label] >= policy.short_sure_at
    short = len(without_spaces(message)) < policy.short_message and not says_a_feeling
    leaning = short or max(scores.values()) < policy.sure_at
    read_alone = names_relief(message) or (  # the news has changed: earlier turns no longer say how they feel
        good_news and valence_share(scores, "positive") >= policy.news_sure_at
    )
    if earlier and not read_alone and (leaning or policy.follow_weight > 0):
        weight = policy.context_weight * (policy.short_boost if short else 1.0) if leaning else policy.follow_weight
        for age, (turn, prediction) in enumerate(zip(reversed(earlier), predictions[1:], strict=True)):
            for label, p in cue_scores(turn, prediction.scores, policy.relief_share).items():
                carried = policy.context_neutral_share if VALENCE.get(label) == "neutral" else 1.0
                scores[label] = scores.get(label, 0.0) + carried * weight ** (age + 1) * float(p)
        total = sum(scores.values()) or 1.0
        scores = {label: p / total for label, p in scores.items()}
    label = max(scores, key=lambda name: scores[name])
    reading = EmotionReading(label, scores, own=own)
    glad = tells_good_news(message)
    thanks_after_pain = (  # "ㅠㅠ 고마워" after a sad story (not "고마워 내일도 힘내볼게": a plan is glad words)
        not glad and thanks_in_words(message) and reading.group_score("negative") >= policy.risky_share
    )
    sure = _sure(reading, label, policy) or (  # glad news told plainly after neutral turns ("결국 치킨 시킴ㅋㅋ"),
        label == own_label  # but not thanks closing a sad story ("ㅠㅠ 고마워"): that is said in the sadness
        and VALENCE.get(label) == "positive"
        and not thanks_after_pain
        and _sure(reading, label, policy, own=True)
    )
    if (
        not earlier
        and opens_a_story(message)
        and valence_share(own, VALENCE.get(own_label, "")) < policy.story_sure_at
    ):
        sure = False  # "고백했는데": how it went comes next; ask rather than guess
    glad_words = VALENCE.get(label) == "positive" and glad
    news_words = good_news and valence_share(own, "negative") < policy.news_words_below
    readers_joy = 0.0 if thanks_after_pain else readers_joy  # "ㅠㅠ 고마워" reads glad alone, said in the sadness
    bittersweet = names_bittersweet(message)
    tearful = bool(TEARS.search(message)) and not glad and not good_news
    return EmotionReading(
        label, scores, sure, own, glad_words, agreed_joy, contrast, news_words, bittersweet, readers_joy, tearful
    )


def _consoling_joy(reading: EmotionReading, policy: ReadingPolicy) -> float:
    """The P(기쁨) that holds consolation back from a negative reading: none when the message alone reads glad but
    the classifier and the nearest examples do not both see it (one matched the opposite news in the same words),
    and only the message's own when it turns against the earlier turns."""
    joy = reading.group_score("positive")
    own_joy = reading.group_score("positive", own=True) if reading.own else joy
    if own_joy >= policy.mixed_share and reading.agreed_joy < policy.agreed_joy_at:
        return 0.0
    return min(joy, own_joy) if reading.contrast else joy


def forbidden_tones(reading: EmotionReading, policy: ReadingPolicy | None = None) -> set[str]:
    """Reply tones (`chatbot.quality.reply_valence`) that would risk an inversion for this reading: cheering when
    the message may well be negative, consoling when it is positive or may well be (and is not read as negative)."""
    policy = policy or ReadingPolicy()
    forbidden = set()
    joy = reading.scores[reading.label]
    sure_joy = reading.valence == "positive" and (
        joy >= policy.cheer_sure_at
        or (joy >= policy.positive_sure_at and reading.readers_joy >= policy.agreed_cheer_at)
    )
    cheer_bar = 1.0 if reading.glad_words or sure_joy else policy.risky_share  # a negative reading still may
    # not be cheered
    if reading.valence == "negative" or reading.group_score("negative") >= cheer_bar:
        forbidden.add("positive")
    if reading.valence == "negative":
        if reading.news_words or _consoling_joy(reading, policy) >= policy.mixed_share:
            forbidden.add("negative")
    elif reading.valence == "positive" or reading.group_score("positive") >= policy.risky_share:
        forbidden.add("negative")
    if reading.tearful and reading.readers_joy < policy.agreed_cheer_at:  # tears cheered only when both readers
        forbidden.add("positive")  # see joy: one of them alone read "다 풀었어ㅠㅠ" as a finished scarf
    if reading.bittersweet:  # a cheer denies the sorrow and a consolation the joy: a reply that names both, or asks
        forbidden |= {"positive", "negative"}
    for tone, valence in (("positive", "negative"), ("negative", "positive")):
        if reading.group_score(valence, own=True) >= policy.own_share:  # the message alone (0 when not kept)
            forbidden.add(tone)
    return forbidden
