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

Indirect phrasings (rules from `no_will_to_live` on) are matched by meaning-bearing stems rather than whole
sentences: no strength/reason to live, a passive wish to die, looking up a method, a bare "끝낼래", others
better off, means (pills, charcoal, rope, heights, water), farewells and giving things away, cutting or
burning one's body, and slang. Where a stem also occurs in everyday talk, the rule needs a second cue or
carries an exclusion look-ahead (번개탄 with 캠핑/고기, 마지막 인사 with 졸업/이사/퇴사, 끝낼래 with 숙제/게임).
Third-party talk about suicide (news, a friend, a drama scene) is not a target either way: explicit words
(자살, 자해) still fire on it, and that is accepted — the reply is harmless and the lines are useful there too.

`python -m chatbot.safety --eval` prints recall and false-positive rate on the existing lists and the
development lists in `chatbot.safety_cases`, and on the held-out and blind lists in `chatbot.safety_heldout`
(the lists the rules were *not* written against — read that module's docstring for how far to trust each);
`python -m chatbot.safety "문장"` checks one message.
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
    ("suicide_word", r"자살|극단적(인)?선택|극단선택|스스로목숨|목숨을?끊|생을마감|(생|삶)을마치|자결|결행|ㅈ살|\u110c살",
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
    # --- indirect phrasings (added with chatbot/safety_heldout.py; developed on safety_cases.DEV_*) ---
    ("no_will_to_live", r"살아갈(자신|용기|힘|의지|희망|자격|가치)(이|가|도|은)?(하나도|전혀|더이상|이제)?(없|안나|안생|안들|안남)"
     r"|(살아있어야할|살아야할|살아갈|살아있을|살)이유(를|가)?(하나도|전혀|더는|도)?(모르|없)|그만살(래|려고|까|아야|란|겠)|(인생|삶|사는거|사는것)(을|를|도)?(이제)?그만(하고싶|할래|둘래|두고싶)"
     r"|(이세상|세상)(에)?(더|더는|더이상)?(있고싶지않|머물고싶지않|있기싫)|(계속|자꾸|매일|요새|요즘|맨날|하루종일)[가-힣]{0,2}죽음(에대해|에대한|만|을|생각)|살(자격|자신)(이|가|도|은)?없"
     r"|살가치(가|도)?없는(사람|인간|존재|놈|년)|살아서뭐(해|할|함|하)|(세상|삶|인생|이승)(에|에는|엔|에대한)?(아무)?미련(이|은|도|하나|따위)?(없|안남)"
     r"|(삶|사는것|사는거|살기|생)(을|를)?포기|목숨(을)?(버리|내던지)|살아있는(것|거|게)(자체가|이|도)?.{0,4}(괴로|고통|지옥|벌받)"
     r"|(살아있는|살아숨쉬는|숨쉬는|숨쉬고있는|살아가는|사는)(것|거|게)(자체가|이|도|조차)?[가-힣]{0,3}(형벌|벌받|고문|지옥|지겨|지긋지긋|지쳤|지친다|버거)"
     r"|(내)?(삶|인생|목숨)(은|는|도|이)?여기까지|미안[가-힣]{0,6}(더는|더이상|이제)?못살겠|존재(를|가)?(지워|지우|없애)(버리고싶|고싶|버릴까)|사는(게|것|거)(자체가)(고통|지옥)|(사는것|사는거|사는게|살아있는것|숨쉬는것|숨쉬는거|살아가는것)(도|조차|자체가|이)?(이제)?(지쳤|지친다|지쳐서|지겨워|버거워|그만하고싶)"
     r"|(다|모든걸|모든것을|삶을)놓아?버리고싶|(삶의)?끈을놓(고싶|아버리|을까)",
     "no strength, right or reason left to live; giving up on life (not 'buying': 살 가치 needs a person)"),
    ("wish_dead_indirect", r"(조용히|자다가|자는동안|잠든채로|잠결에|사고로|치여서|고통없이|아프지않게|안아프게|편하게|차라리|그냥)죽었으면"
     r"|죽는것(말고는?|밖에|빼고는?)(방법|답|길)|죽는(수|방법|길)밖에|죽을수밖에없는것같|영영(잠들|안깨|안깼|눈감|깨어나지)"
     r"|태어나(고싶지않|기싫)|(다음생|다시)(엔|에는|에|는)?(태어나지|안태어나)|안태어났으면|태어난(게|것이|것자체가)(실수|잘못|후회)"
     r"|죽었으면(좋겠|해)[가-힣]{0,3}(그냥)?(내가|나는|난|제가)|안깨어나(겠|면좋|길)|(저세상|하늘나라|저승)(에|으로|로)?(가고싶|가버리|가야|갈까|가려)"
     r"|(먼저간|떠난|죽은)[가-힣]{0,6}따라(가고|갈까|가야|가려|죽)|세상(과|이랑|하고)작별|영영(떠나|사라|가고싶|가버리)|(죽는|자살하는|내가죽는)상상|눈(을)?감아버리고싶|(나는|난|저는|전)(이제|내일은|곧|더이상)?(여기|이세상에|세상에)없을(거|것)|영원히(떠나|가고싶|가려|가버리|쉬고싶|쉬었으면)|떠나(려고|고싶|려)[가-힣]{0,4}영원히"
     r"|(해뜨는|아침|내일아침)(거|걸|것)?(을|를)?(보고싶지않|맞고싶지않|맞이하고싶지않)"
     r"|(하늘|신|저승사자|하느님|하나님)(이|가|님이|께서)?(나|날|저|절)(좀)?데려가|(나|날|저|절)좀데려갔으면"
     r"|죽는(게|것이|것도|건)(무섭지|두렵지)(가)?않|죽음(이|도)?(무섭지|두렵지)(가)?않|숨(을)?(멈추고싶|끊고싶|그만쉬고싶|안쉬고싶)"
     r"|눈(을)?안뜨(면좋|었으면|길|면좋겠)|눈(을)?안떴으면|안깼으면|깨지않았으면|세상(을)?(떠나|뜨)(고싶|버리고싶|버릴까)",
     "a passive wish to die or not wake up (an accident, sleep), death as the only way out"),
    ("method_search", r"(?<!안)(죽는|죽을|자살하는|자살할|죽을수있는|목숨끊는)(법|방법)|(고통없이|안아프게|아프지않게|편하게|깔끔하게)죽(는|을|을수)"
     r"|(약|알|수면제|타이레놀|진통제|알약)[가-힣]{0,6}먹으면(죽|즉사)|(몇층|몇미터|높이|어디서|층에서)[가-힣]{0,6}떨어지면(죽|즉사)"
     r"|(이|이런|이모든|모든)고통(을)?(끝내|끝낼|멈추|멈출)|고통없이(가|간|갈)|농약(을|를)?(마시|먹|어디서(살|사|구)|구할|구하)|가스(를)?(틀어|열어)[가-힣]{0,4}(자면|죽|잠들)|극단적(인)?(생각|충동|방법|시도)",
     "looking up how to die, lethal doses or heights (not '안 죽는 방법' in a game, not spoiled food)"),
    ("end_now", r"^(?!.*(숙제|과제|업무|프로젝트|게임|시험|공부|보고서|청소|빨래|설거지|드라마|작업|마감|정리|일정|알바|회의))"
     r"(나|난|저|전)?(이제|진짜|정말|그냥|차라리|다|오늘|오늘밤|오늘밤에|여기서|이쯤에서|그만|모두)*(끝내(고싶|버리고싶|버릴|려고|려구|겠|야겠)|끝낼(래|거|게|까))[가-힣ㅠㅜ\u1100-\u11ff]{0,4}$"
     r"|버텨(보고|봐서|보다가)[가-힣]{0,8}(끝낼|끝내|죽)|(못버티|버틸수없|버틸힘이없|버티기힘들)[가-힣]{0,10}(끝났으면|끝내고싶|끝내버리|놓고싶|그만하고싶)",
     "a bare 'I want to end it (now/today)' closing the message with no task named; ending it after holding out"),
    ("burden_indirect", r"(내가|제가|나|저|난|전)(사라져|없어져|죽어)도(아무도|누구도|아무렇지|다들|세상은|모두)"
     r"|(짐|민폐|쓸모없|쓰레기)[가-힣]{0,10}(없어지는게|사라지는게|죽는게)(나|낫|맞)|짐(만|밖에|이)?(되는|될|돼|된다)[가-힣]{0,8}(끝내|사라지|없어지|죽)"
     r"|(나|저|내|제)같은(건|거|게|애|사람|인간|놈|년)[가-힣]{0,6}(없는게|없어야|사라져야|죽어야|태어나지)|(세상에|이세상에)(없는게|없어지는게)(나|낫)"
     r"|(나|제가|저)죽으면[가-힣]{0,6}(장례|아무도|다들|슬퍼|누가)"
     r"|(나|저|내가|제가)(하나)?(사라진다고|없어진다고|죽는다고|사라져도|없어져도)[가-힣]{0,4}(달라질|변할|아무도|티도|상관)"
     r"|(내가|제가)(떠나도|가도|죽어도)[가-힣]{0,4}(슬퍼하지마|울지마|너무슬퍼|잊어)"
     r"|(사라지면|사라져버리면|없어지면|없어져버리면|죽으면|죽어버리면)[가-힣]{0,4}(다들|모두|다|가족|엄마|우리)[가-힣]{0,2}(편하|편할|행복|좋아)"
     r"|(나|내가|제가|저)없는(세상|게|편이|쪽이)[가-힣]{0,3}(더)?(나을|낫|좋을|행복)|(내|제)몫까지(살아|행복|잘)|(엄마|아빠|가족|부모님|여보)[가-힣]{0,6}미안[가-힣]{0,4}먼저(갈|가|떠나)|(내|나의|제|저의)존재(가|는|자체가)?(민폐|짐|죄)"
     r"|(나|내가|제가|저)없어도(잘지내|잘살아|행복하|건강하|슬퍼하지)",
     "others would be better off / would not notice; saying how to live on without them"),
    ("method_means", r"약을?(조금씩|몰래|하나씩|계속|몇달째)*(모으|모았)|(수면제|알약|진통제|타이레놀)(을|를)?(조금씩|몰래|하나씩|계속|몇달째)*(사서?)?(모으|모아|모았)"
     r"|(약|수면제|알약|진통제|타이레놀)[가-힣]{0,6}(한통|한병|통째|전부|몽땅|한꺼번에)[가-힣]{0,2}먹(으면|을까|어버|을거|었)"
     r"|뛰어내(리고싶|릴까|리려|려버리|려버릴|려야겠|릴거|릴래|릴생각|리기로)"
     r"|^(?!.*(캠핑|고기|바베큐|숯|구워|굽|캠프|차박))(.*)(번개탄(을|를)?(사|샀|구매|주문|구했|준비|몇개|두개)|(연탄|번개탄)(을)?(피우|피워|피울)(면|고|려|까|기로|서|곳|데|장소))"
     r"|(약|알약|수면제|약통|진통제)[가-힣]{0,8}(다|전부|몽땅|한꺼번에|한번에|통째로?)(삼키|삼켜|삼킬|털어넣|먹어버)"
     r"|(열차|기차|지하철|선로|철로|차도|트럭)(에|로|앞으로|에다|에서)?(뛰어들|몸을던지)(고싶|까|려|어버리|생각|면)|(줄|끈|밧줄)(을)?(묶을|걸)(데|곳|자리)|(?<!에)목(을)?매는(거|법|방법)|떨어지면[가-힣]{0,4}(한번에|바로|즉사|확실히)(갈|죽|가)"
     r"|(창문|창밖|옥상|다리|강|선로|차도|아래)[가-힣]{0,4}몸을던지|약[가-힣]{0,20}일부러(많이|잔뜩|한꺼번에)먹|수면제[가-힣]{0,10}(여러|몇)군데|(여러|몇)군데[가-힣]{0,10}수면제|(높은곳|높은데|옥상|창문|아래로|밑으로)[가-힣]{0,6}떨어지고싶|(떨어지고|뛰어내리고|뛰어들고)싶은(충동|생각)|목(을)?맬(곳|끈|줄|데|자리|까|거|생각|방법)|뛰어내리면[가-힣]{0,4}(아플|아파|죽|편할|편해|끝)"
     r"|(한강|강물|강에|강으로|다리에서|다리밑|다리아래)[가-힣]{0,4}(뛰어들|투신)|(다리|교량|옥상|난간)(위|끝|난간)(에|에서)?(서있|올라와있|올라왔|올라서|앉아있|매달려)|난간(을|를)?넘",
     "stockpiling pills, buying charcoal (not for camping), a rope, jumping, standing on a bridge or ledge"),
    ("goodbye", r"^(?!.*(졸업|퇴사|송별|이사|전학|유학|군대|입대|출국|발표|공연|가기전|떠나기전|생일|크리스마스|기념일|결혼|선물))"
     r"(.*)((마지막|작별)(으로)?인사(를)?(하려|하고싶|할게|남기|드리려|드릴게|하러)|마지막으로[가-힣]{0,6}(목소리|얼굴)(를|을|이라도|한번만|한번)?(듣|보|봐)"
     r"|(미리|마지막)(으로)?편지(를)?(써|남겨)|마지막편지|(잘있어|잘지내|안녕)[가-힣]{0,6}그동안(고마웠|감사했|미안했|즐거웠|행복했)|(편지|이글|메모)[가-힣]{0,10}(발견하면|읽으면|읽을때|보게되면)|(내|나의|제)(인생|삶)?(의)?마지막날|그동안(고마웠|감사했|미안했|즐거웠|행복했)[가-힣]{0,6}(잘지내|잘있어|안녕|잘살아|건강해))|(내|제|나의|저의)장례(식)?"
     r"|(나눠|물려|맡아|맡겨|가지라고|가져가라고)[가-힣]{0,20}(이제|더이상|앞으로)(필요없|쓸일없|못)",
     "farewells, last letters, one's own funeral, giving belongings away (not graduation, moving, birthdays)"),
    ("self_harm_indirect", r"(손목|팔|허벅지|다리|팔목|손등|몸|살)(을|를|에)?[가-힣]{0,3}(긋|그었|그어|그으|그을|그엇)"
     r"|(손목|팔|허벅지|팔목|몸)(에|을)?(칼|커터|면도)[가-힣]{0,2}(을|를)?(대|댔|갖다)|(칼|커터칼|면도칼)(을|를)(손목|팔|허벅지|몸)(에)?(대|댔)"
     r"|피(가|를)?(보면|봐야|보고나면|내야|나야|나는거|나는걸|흐르는거)[가-힣]{0,6}(진정|편해|안정|살것|괜찮|살아있는느낌)|(자꾸|또|일부러|스스로|몰래|내몸에)상처(를)?(내|냈)"
     r"|(손목|팔|허벅지|팔목)(에|을|를)?(또|자꾸|일부러|몰래)?(상처|자국)(를|을)?(내|냈|만들)|(손목|팔|허벅지|팔목)(에|의)?흉터(가)?(늘|점점)|(나|내|제|저)(자신|스스로)(을|를|이|가)?[가-힣]{0,8}(때리|때려|벌주|해치|다치게)"
     r"|벽에머리(를)?[가-힣]{0,4}(박|찧)|머리(를)?벽에[가-힣]{0,4}(박|찧)|(커터칼|면도칼|면도날|칼)(을)?(들고|쥐고)(한참|가만히|멍하니)|피(를)?흘리(고싶|면편)|(나|날|저|절|나자신|스스로)(를|을)?벌주|(담뱃불|라이터|불)(로|으로)[가-힣]{0,4}(지졌|지지|지져)|(팔|손목|허벅지|손등)(을|를)?(지졌|지져)"
     r"|(내가|제가|스스로|직접)(그은|그었|그어서)|(몰래|스스로|일부러|혼자|자꾸)(나|날|저|절|내몸|자신)(를|을)?(때렸|때리|때려|벌주)|(상처|흉터|자국)(를)?(숨기|가리)려고[가-힣]{0,4}(긴팔|팔찌|밴드|손목)|(칼|커터칼|면도칼)[가-힣]{0,4}손목(?!시계|보호대|밴드|스트레칭)",
     "cutting or marking one's body, relief from bleeding"),
    ("slang", r"(ㅈㅅ|\u110c\u1109)(하고싶|각|마렵|할까|하려|충동|생각)|죽(고|구|꼬)(시퍼|시포|시프|싶|십)|주꼬(싶|십|시퍼)",
     "abbreviations and typed-as-spoken spellings (ㅈㅅ for 자살, not 죄송 — NFKC turns ㅈㅅ into U+110C U+1109; 죽구싶다, 주꼬시퍼)"),
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
        from chatbot import safety_cases, safety_heldout

        for title, positive, negative in (
                ("existing lists (safety_cases.POSITIVE / NEGATIVE)", safety_cases.POSITIVE, safety_cases.NEGATIVE),
                ("development lists (safety_cases.DEV_*; rules were written against these)",
                 safety_cases.DEV_POSITIVE, safety_cases.DEV_NEGATIVE),
                ("held-out lists (safety_heldout.HELDOUT_*; written before the revision)",
                 safety_heldout.HELDOUT_POSITIVE, safety_heldout.HELDOUT_NEGATIVE),
                ("blind lists (safety_heldout.BLIND_*; written after the revision, never tuned)",
                 safety_heldout.BLIND_POSITIVE, safety_heldout.BLIND_NEGATIVE)):
            result = evaluate(list(positive), list(negative))
            print(f"== {title}")
            print(f"crisis sentences: {result['positives']}, everyday sentences: {result['negatives']}")
            print(f"recall: {result['recall']:.3f}  false-positive rate: {result['false_positive_rate']:.3f}")
            for text in result["missed"]:
                print(f"  missed: {text}")
            for text in result["false_alarms"]:
                print(f"  false alarm: {text}")
        third = safety_heldout.HELDOUT_THIRD_PARTY
        fired = [text for text in third if detect_crisis(text)]
        print(f"== third-party talk (not scored): {len(fired)}/{len(third)} get the crisis reply")
    return 0


if __name__ == "__main__":
    sys.exit(main())
