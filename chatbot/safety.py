"""Crisis safety layer: a documented phrase list plus rules, never a model.

A message about suicide or self-harm — explicit ("죽고 싶어", "자해", "유서") or indirect ("사라지고 싶다",
"살 이유가 없어", "깨어나지 않았으면") — is answered with `CRISIS_REPLY`, a fixed text that names the Korean
crisis lines. The reply is never generated: a generator can say anything.

How a message is checked (`detect_crisis`):
1. Normalise: NFKC, lower case, and drop every space and punctuation mark, so "죽고 싶어", "죽고싶어" and
   "죽 고 싶 어…" read the same (Korean spacing is loose in chat).
2. Negated desire and a few everyday words (자살골, 유서 깊은) are removed first ("죽고 싶지는 않아" is not a wish to die), so a later
   "…그런데 죽고 싶다는 생각이 들어" in the same message still counts.
3. The message is a crisis when any rule of `CRISIS_RULES` matches. Each rule has a name and a reason.

Everyday hyperbole is *not* in the list on purpose: "-아/어 죽겠다" ("배고파 죽겠다", "웃겨 죽겠어"), "죽을 것
같아", "죽는 줄 알았어", "죽을 뻔했어", "죽여준다", "너 죽을래?" describe intensity, not intent. Rules only
match desire, plan, method or self-erasure forms ("죽고 싶", "죽어버리고", "목숨을 끊", "사라지고 싶").

`python -m chatbot.safety --eval` prints recall and false-positive rate on the sentence lists in
`chatbot.safety_cases`; `python -m chatbot.safety "문장"` checks one message.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass

CRISIS_REPLY = (
    "지금 정말 많이 힘드시군요. 그 마음을 털어놓아 주셔서 고마워요. 혼자서 견디지 않으셨으면 해요.\n"
    "지금 바로 전문 상담사와 이야기할 수 있어요:\n"
    "• 자살예방상담전화 109 (24시간, 무료)\n"
    "• 정신건강위기상담 1577-0199 (24시간)\n"
    "위급한 상황이라면 112 또는 119에 바로 연락해 주세요.\n"
    "저도 여기에서 계속 이야기를 들을게요. 괜찮다면 지금 어떤 마음인지 조금 더 들려주세요."
)

# (name, regular expression over the normalised text, why it is here). Normalised text has no spaces.
CRISIS_RULES: tuple[tuple[str, str, str], ...] = (
    ("suicide_word", r"자살|극단적(인)?선택|극단선택|스스로목숨|목숨을?끊|생을마감|자결",
     "explicit words for suicide"),
    ("self_harm_word", r"자해|손목을?긋|손목을?그[었어을]|팔을?그[었어을]|칼로(내|제|나를|저를|몸을?)?긋|몸에상처(를)?(내|냈)"
     r"|나를해치|날해치|저를해치|나자신을해치|스스로를?해치|스스로를?다치게|피가날때까지",
     "explicit self-harm"),
    ("suicide_note", r"유서|유언장?(을|를)?(써|쓰|남기|작성)", "writing a suicide note or will"),
    ("want_to_die", r"죽고싶|죽고만싶|죽고십|주고싶다는생각|죽어버리고싶|죽어버릴까|죽어버릴거|죽어버리면|죽어버려야"
     r"|죽어야겠|죽어야할것같|죽는게나[아을은으]|죽는편이나|죽는게낫|(내가|나|난|차라리|그냥|이대로|제가)죽었으면|죽으면편할"
     r"|죽으면다끝|죽는게답|죽는게최선|죽어야끝나|죽어도(아무도|모를|슬퍼할사람|상관없)|죽으려고|죽으려했|죽을려고|죽을생각|그냥죽을까|콱죽|뒤지고싶|디지고싶|뒤져버리고싶|뒤져버릴까",
     "a wish, plan or attempt to die"),
    ("not_want_to_live", r"살기싫|살기가싫|살고싶지않|살고싶지가않|더이상살고싶|더는살고싶|그만살고싶|살아갈이유가?없"
     r"|살이유가?없|살아야할이유가?없|(살아있을|살아갈|살)이유(가|를)?(없|모르)|사는게의미(가)?없|살아있는게의미(가)?없|삶의의미가?없"
     r"|살아봤자뭐|살아서뭐하|더이상살수없|더는살수없|살아있는게.{0,4}(괴로|고통|지옥|힘들어서못)",
     "no wish or reason to live"),
    ("disappear", r"사라지고싶|사라져버리고싶|사라져버릴까|사라지면좋겠|없어지고싶|없어져버리고싶|없어져버릴까"
     r"|세상에서없어지|세상을떠나고싶|흔적도없이사라|영원히잠들|영원히눈(을)?감|다시는?안깨|안깨어나고싶|깨어나고싶지않|잠들어서깨어나지|깨어나지않았으면|깨어나지말았으면"
     r"|안깨어났으면|눈을감고안떴으면|눈뜨지않았으면|태어나지말[았걸]|태어나지않았으면|태어난게죄"
     r"|(아침|내일)이(안왔으면|오지않았으면|안오면좋겠)|(나|난|내가|저|제가|나같은건|저같은건)(그냥)?(없어져야|사라져야)",
     "wishing to disappear, not wake up or never have been born"),
    ("burden", r"내가없으면다들|(내가|나|나만|내가그냥)(없어지면|사라지면)|내가죽으면|나만없으면|나하나없어도"
     r"|나없는게(다들|모두)?나을|다들나없는게",
     "believing others are better off without them"),
    ("end_it_all", r"(^|이제|그냥|차라리|그만|다들)다끝내(고싶|버리)|모든걸끝내|모든것을끝내|인생을?끝내|삶을끝내|생을끝내|이번생은?끝내",
     "ending everything / one's life"),
    ("method", r"수면제(를)?(모아|모으|한꺼번에|잔뜩|다먹|왕창|몽땅)|약을?(한꺼번에|잔뜩|왕창|몽땅)(다)?먹"
     r"|약(을)?모아(둔|뒀|놨|두고|놓)|(방|차|차안)(에서|에)번개탄|번개탄(을)?(피우고싶|피워놓고|피울까|피우려)|(방|차|차안)(에서|에)연탄"
     r"|목을?매(달|려고|고싶|면편)|목매달|밧줄(을)?(사|샀|구해|준비)|뛰어내리고싶|뛰어내릴까|뛰어내리려|뛰어내리면편"
     r"|뛰어내릴생각|(옥상|다리|한강|창문|창밖|베란다)(에서|으로|에)?뛰어내|한강물(에)?들어가|농약(을)?마시|투신",
     "a method or means of suicide"),
    ("english", r"killmyself|suicid|wanttodie|selfharm|endmylife|cutmyself|betteroffdead",
     "the same in English"),
)

# Removed before the rules run: negated desire ("죽고 싶지는 않아", "죽고 싶은 건 아니고") and everyday words
# that contain a rule's letters — 자살골 (own goal), 자살예방 (prevention), 유서 깊은 (historic, 由緖),
# 자해공갈 (faked-injury fraud).
NEGATED = re.compile(r"죽고싶(지|진|지는|지도|지가)않|죽고싶(은|다는)건아니|죽고싶다는게아니|자살(은|을)?안할|자해(는|를)?안할"
                     r"|자살골|자살예방|자살방지|유서(가)?깊|자해공갈")
# Characters kept by normalisation: Hangul (syllables and jamo), letters and digits. Everything else goes.
_DROP = re.compile(r"[^\w가-힣ㄱ-ㅎㅏ-ㅣ]|_", re.UNICODE)
_COMPILED = tuple((name, re.compile(pattern), why) for name, pattern, why in CRISIS_RULES)


@dataclass(frozen=True)
class CrisisMatch:
    """Why a message was treated as a crisis: the rule's name, its reason, and the normalised text it matched."""

    rule: str
    reason: str
    matched: str


def normalise(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: the form every rule is written against."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def detect_crisis(text: str) -> CrisisMatch | None:
    """The first crisis rule the message matches, or None. Truthy exactly when `CRISIS_REPLY` must be sent."""
    if not isinstance(text, str):
        raise TypeError(f"detect_crisis(): expected str, got {type(text).__name__}")
    compact = NEGATED.sub("", normalise(text))
    for name, pattern, why in _COMPILED:
        found = pattern.search(compact)
        if found:
            return CrisisMatch(rule=name, reason=why, matched=found.group(0))
    return None


def evaluate(positive: list[str], negative: list[str]) -> dict:
    """Recall on crisis sentences, false-positive rate on everyday ones, and the sentences each got wrong."""
    missed = [text for text in positive if not detect_crisis(text)]
    false_alarms = [text for text in negative if detect_crisis(text)]
    return {
        "positives": len(positive), "negatives": len(negative),
        "recall": 1 - len(missed) / len(positive) if positive else float("nan"),
        "false_positive_rate": len(false_alarms) / len(negative) if negative else float("nan"),
        "missed": missed, "false_alarms": false_alarms,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m chatbot.safety",
        description="Check messages with the crisis detector, or evaluate it on the built-in sentence lists.")
    parser.add_argument("messages", nargs="*", help="messages to check (each prints its rule or 'ok')")
    parser.add_argument("--eval", action="store_true", help="print recall and false-positive rate on the lists")
    parser.add_argument("--rules", action="store_true", help="print the documented rule list")
    args = parser.parse_args(argv)
    if not (args.messages or args.eval or args.rules):
        parser.error("give messages to check, --eval or --rules")
    if args.rules:
        for name, pattern, why in CRISIS_RULES:
            print(f"{name}: {why}\n    {pattern}")
    for message in args.messages:
        match = detect_crisis(message)
        print(f"{message}\t{'CRISIS ' + match.rule + ' (' + match.matched + ')' if match else 'ok'}")
    if args.eval:
        from chatbot.safety_cases import NEGATIVE, POSITIVE

        result = evaluate(list(POSITIVE), list(NEGATIVE))
        print(f"crisis sentences: {result['positives']}, everyday sentences: {result['negatives']}")
        print(f"recall: {result['recall']:.3f}  false-positive rate: {result['false_positive_rate']:.3f}")
        for text in result["missed"]:
            print(f"  missed: {text}")
        for text in result["false_alarms"]:
            print(f"  false alarm: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
