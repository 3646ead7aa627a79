"""Understand: trigger terms per Adil Soz category in Kazakh, Russian and English (the Europe Media
Monitor approach: multilingual keyword patterns).

They serve twice: as features for the category classifiers (a few hundred training
examples cannot teach every wording of "detained" in three languages) and as the
evidence a monitor sees highlighted. Patterns are regular expressions over *folded*
text (see `fold`): lowercase, Kazakh-specific letters mapped onto their Russian
neighbours, so "бұғатталды" and the keyboard-less "бугатталды" match one pattern.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
                       "і": "и", "ё": "е", "’": "'", "«": '"', "»": '"'})


def fold(text: str) -> str:
    """Lowercase and fold Kazakh letters (ә→а, қ→к, ұ/ү→у, і→и…); keeps length, so offsets stay valid."""
    return text.lower().translate(_FOLD)


# Stems, not words: Kazakh and Russian inflect heavily. \b is avoided at stem ends on purpose.
TRIGGERS: dict[str, list[str]] = {
    "A.attack": [
        r"избил", r"избиен", r"напал[аи]?\b", r"нападени", r"ударил", r"побои", r"травм", r"напад",
        r"beat(en|ing)?\b", r"assault", r"attack(ed)? (a |the )?(journalist|reporter|camera|blogger|correspondent)",
        r"punch", r"kick(ed)?\b", r"injur", r"bruis", r"hospitali[sz]",
        r"шабуыл жаса", r"урып", r"урды", r"соккы", r"жарадар", r"жаракат", r"тепк",
    ],
    "A.threat": [
        r"угроз", r"угрож", r"пригрозил", r"расправ", r"запугив",
        r"threat", r"intimidat", r"warned (him|her|them) ", r"death threat",
        r"кокан-локк", r"коркыт", r"ескерту жаса", r"олтиремиз", r"кауип тондир",
    ],
    "A.detention": [
        r"задерж", r"арестова", r"суток ареста", r"сутки ареста", r"административн\w* арест", r"под стражу",
        r"detain", r"arrest", r"custody", r"days in jail", r"days of (administrative )?detention",
        r"устал", r"камау", r"камал", r"тауликке", r"кустаурып", r"ustald", r"qamal",
    ],
    "A.obstruction": [
        r"воспрепятств", r"не пустил", r"не допустил", r"не пропустил", r"выгнал", r"запретил\w* снимать",
        r"удалить (видео|запис|кадр)", r"отобрал\w* (камер|телефон)", r"вывел\w* из зала",
        r"obstruct", r"barred", r"prevented (him|her|them|the|journalists|reporters)", r"not allowed to (film|enter)",
        r"forced? (him|her|them|the \w+)? ?to delete", r"seized (his|her|the|their) (camera|phone|equipment)",
        r"denied entry", r"kicked out", r"escorted out",
        r"кедерги", r"киргизбе", r"кирги[зс]пе", r"куып шык", r"тусируге рукса", r"оширу?ге маж", r"тартып ал",
        r"тэркиле", r"теркиле", r"тоскауыл",
    ],
    "A.interference": [
        r"вмешательств", r"потребовал\w* (удалить|снять|убрать)", r"снять (статью|материал)", r"согласовыват",
        r"цензур", r"давлени\w* на редак", r"уволил\w* редактор",
        r"interfer", r"demand(ed|s)? (that )?(the )?(outlet|editor|newspaper|site|portal)\w* (remove|take down|delete)",
        r"take down (the|an) (article|story)", r"remove (the|an) (article|story|material)", r"censor",
        r"pressure on (the )?(editor|newsroom)",
        r"араласу", r"алып тастау", r"мака(ла|ланы) ошир", r"материалды алып таста", r"редакцияга кысым", r"ошир",
    ],
    "A.summons": [
        r"вызвал\w* на допрос", r"вызвал\w* в (полиц|прокурат|кнб|дп|управлен|антикор)", r"допрос", r"обыск",
        r"на беседу", r"\"беседы\"", r"повестк",
        r"summon", r"question(ed|ing) (by|at)", r"interrogat", r"searched (his|her|the|their)", r"search of",
        r"жауап ал", r"шакыр\w* (полиц|прокурат|укк|кнб)", r"тинту", r"шакыру кагаз", r"суракка",
    ],
    "A.image_misuse": [
        r"фейков\w* (страниц|аккаунт|сайт)", r"от имени (редакц|издани|телеканал|журналист)", r"дипфейк", r"поддел",
        r"логотип", r"клон", r"выдава\w* себя за",
        r"fake (page|account|site|website|profile)", r"impersonat", r"deepfake", r"posing as", r"using the (logo|name)",
        r"logo", r"cloned", r"in the name of",
        r"жалган (аккаунт|парак|сайт|бет|видео|жанал)", r"атынан", r"логотипи", r"дипфейк",
    ],
    "A.insult_discredit": [
        r"оскорб", r"обозвал", r"назвал\w* (журналист|корреспондент|блогер)\w* \"", r"грантоед", r"пят\w* колонн",
        r"дискредит", r"травл", r"клеймил",
        r"insult", r"called (the )?(journalist|reporter|blogger)s?\w* (a |an )?\"", r"discredit", r"smear",
        r"branded", r"harass\w* campaign",
        r"корла", r"деп атады", r"деп атап", r"беделин тусир", r"сатк[ы]?н", r"шетел агент",
    ],
    "A.copyright": [
        r"авторск", r"без (указания|ссылк)\w* (автор|на источник)", r"плагиат", r"перепечат", r"без разрешения",
        r"copyright", r"plagiar", r"without (credit|attribution|permission)", r"republish", r"stole",
        r"авторлык", r"авторын корсетпей", r"силтемесиз", r"кошир", r"рукссатсыз", r"руксатсыз",
    ],
    "B.info_refusal": [
        r"отказал\w* (в предоставлении|предоставить|раскрыть|отвечать|ответить)", r"не ответил", r"без ответа",
        r"запрос\w* (журналист|редакц)", r"служебн\w* информац", r"тайн\w* следствия", r"без вопросов",
        r"refus\w* to (disclose|provide|answer|release|comment)", r"unanswered", r"request for information",
        r"information request", r"did not (answer|respond)", r"no questions",
        r"жауап бермей", r"ресми сауал", r"акпарат беруден бас тарт", r"тергеу купия", r"жасырды", r"сауалы",
    ],
    "B.cyberattack": [
        r"ddos", r"взлом", r"хакер", r"фишинг", r"доксинг", r"неправомерн\w* доступ",
        r"hack", r"phishing", r"doxx?ing", r"breach", r"unauthori[sz]ed access",
        r"бузып кир", r"хакерле", r"шабуылдан кейин",
    ],
    "B.closure_blocking": [
        r"заблокир", r"блокиров", r"приостанов\w* (выпуск|деятельн|издани)", r"закрыт\w* (газет|издани|сми|сайт)",
        r"отключ\w* (интернет|мобильн)", r"ограничен\w* доступ",
        r"block", r"suspend", r"shut (down|off)", r"internet (shutdown|outage|restriction)", r"closed down",
        r"restricted access",
        r"бугатта", r"бугаттау", r"токтатыл", r"жабылды", r"интернет ажыратыл", r"ajyratyl",
    ],
    "B.accreditation": [
        r"аккредитац", r"пропуск\w* (в здание|журналист)", r"лишил\w* (аккредит|пропуск)",
        r"accredit", r"press pass", r"revoked (his|her|their) pass",
        r"аккредиттеу", r"аккредитация", r"руксатнама",
    ],
    "B.discrimination": [
        r"госзаказ", r"государственн\w* информационн\w* заказ", r"лояльн", r"неравн", r"дискриминац",
        r"пресс-пул", r"не пригласил", r"только (лояльн|провластн)",
        r"state (information )?(order|contract)", r"loyal", r"discriminat", r"excluded", r"press pool",
        r"not invited", r"only (pro-government|loyal|state)",
        r"акпараттык тапсырыс", r"шакырылмады", r'"оз" басылым', r"теннидигин", r"тендигин бузу",
    ],
    "B.court_transparency": [
        r"закрыт\w* (процесс|заседани|режим)", r"запретил\w* (видео|фото)?съемку", r"открыт\w* (процесс|заседани)",
        r"гласност",
        r"closed (hearing|trial|session|doors)", r"ban(ned)? (on )?(filming|recording|cameras)",
        r"open (trial|hearing|court)", r"behind closed doors",
        r"сот отырысы жабык", r"ашык сот", r"тусируге тыйым", r"жариялылык", r"жабык (режим|отырыс)", r"процеси",
    ],
    "C.civil": [
        r"иск\w* о защите чести", r"защит\w* чести", r"деловой репутац", r"морального вреда", r"моральн\w* вред",
        r"опроверж", r"опроверг", r"гражданск\w* (иск|суд|дел)", r"исков",
        r"honou?r and dignity", r"business reputation", r"moral damage", r"defamation (suit|lawsuit|claim)",
        r"lawsuit", r"sued", r"retraction", r"civil (suit|claim|case|court)",
        r"ар-намыс", r"ар-намыс", r"моральдык (зиян|отемакы)", r"беделди коргау", r"талап арыз", r"теристеу",
        r"азаматтык",
    ],
    "C.criminal": [
        r"уголовн", r"заведомо ложн", r"ложн\w* донос", r"вымогател", r"разжиган", r"обвин\w* в", r"подозрени",
        r"приговор", r"статье? \d+ ук",
        r"criminal", r"knowingly false", r"false denunciation", r"extortion", r"inciting", r"incitement",
        r"charged with", r"sentenced", r"criminal code",
        r"кылмыстык", r"айып тагыл", r"айыпта", r"бопсала", r"араздык", r"жалган донос", r"укими",
    ],
    "C.administrative": [
        r"административн\w* (штраф|протокол|дел|правонаруш|ответствен)", r"оштрафова", r"штраф", r"мрп",
        r"мелк\w* хулиган", r"неповиновени", r"коап",
        r"administrative (fine|offen[cs]e|case|charge|protocol|court)", r"fined", r"petty hooliganism",
        r"disobey", r"monthly calculation index", r"\bmci\b", r"\bmrp\b",
        r"акимшилик", r"айыппул", r"аек", r"усак бузакы", r"акбтк",
    ],
}


@lru_cache(maxsize=1)
def compiled() -> dict[str, re.Pattern]:
    return {code: re.compile("|".join(f"(?:{p})" for p in patterns)) for code, patterns in TRIGGERS.items()}


def trigger_spans(text: str) -> dict[str, list[tuple[int, int]]]:
    """Category -> character spans in `text` where its trigger terms occur."""
    folded = fold(text)
    found = {}
    for code, pattern in compiled().items():
        spans = [m.span() for m in pattern.finditer(folded)]
        if spans:
            found[code] = spans
    return found


def trigger_matrix(texts: list[str], codes: list[str]) -> np.ndarray:
    """One column per category: log(1 + number of trigger hits), a feature block for the classifiers."""
    out = np.zeros((len(texts), len(codes)), dtype=np.float32)
    patterns = compiled()
    for i, text in enumerate(texts):
        folded = fold(text)
        for j, code in enumerate(codes):
            if code in patterns:
                out[i, j] = np.log1p(sum(1 for _ in patterns[code].finditer(folded)))
    return out
