"""Shared by the reports and the web app: interface strings in Russian (the monitors' working language), English and Kazakh.

Taxonomy names come from taxonomy.yaml's own ru/en/kk fields, not from here. The
Kazakh strings are a working translation, to be checked by a native-speaking monitor.
"""
from __future__ import annotations

from classifiers.taxonomy import load_taxonomy

DEFAULT_LANG = "ru"
LANG_NAMES = {"ru": "Русский", "en": "English", "kk": "Қазақша"}

# key: (ru, en, kk)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "app_name": ("Sozwatch — очередь проверки", "Sozwatch — review queue", "Sozwatch — тексеру кезегі"),
    "queue": ("Очередь", "Queue", "Кезек"),
    "export": ("Экспорт", "Export", "Экспорт"),
    "logout": ("Выйти", "Log out", "Шығу"),
    "login": ("Войти", "Log in", "Кіру"),
    "username": ("Имя пользователя", "Username", "Пайдаланушы аты"),
    "password": ("Пароль", "Password", "Құпиясөз"),
    "login_failed": ("Неверное имя или пароль.", "Wrong username or password.", "Аты немесе құпиясөз қате."),
    "language": ("Язык", "Language", "Тіл"),
    "save": ("Сохранить", "Save", "Сақтау"),
    "filter": ("Фильтр", "Filter", "Сүзгі"),
    "reset": ("Сбросить", "Reset", "Тазарту"),
    "search": ("Поиск по тексту", "Full-text search", "Мәтін бойынша іздеу"),
    "status": ("Статус", "Status", "Күйі"),
    "category": ("Категория", "Category", "Санат"),
    "categories": ("Категории", "Categories", "Санаттар"),
    "source": ("Источник", "Source", "Дереккөз"),
    "date_from": ("С даты", "From", "Басы"),
    "date_to": ("По дату", "To", "Соңы"),
    "any": ("все", "any", "барлығы"),
    "status_pending": ("Ожидает", "Pending", "Күтуде"),
    "status_second_opinion": ("Нужно второе мнение", "Needs second opinion", "Екінші пікір қажет"),
    "status_confirmed": ("Подтверждено", "Confirmed", "Расталды"),
    "status_rejected": ("Отклонено", "Rejected", "Қабылданбады"),
    "status_all": ("Все", "All", "Барлығы"),
    "items_found": ("Найдено", "Found", "Табылды"),
    "no_items": ("Нет материалов по этим условиям.", "No items match.", "Бұл шарттарға сай материал жоқ."),
    "next_page": ("Следующая страница →", "Next page →", "Келесі бет →"),
    "first_page": ("← В начало", "← First page", "← Басына"),
    "start_review": ("Начать проверку (следующий свободный)", "Start reviewing (next free item)",
                     "Тексеруді бастау (келесі бос материал)"),
    "priority": ("Приоритет", "Priority", "Басымдық"),
    "relevance": ("Релевантность", "Relevance", "Өзектілік"),
    "title": ("Заголовок", "Title", "Тақырып"),
    "date": ("Дата", "Date", "Күні"),
    "lang": ("Язык", "Lang", "Тіл"),
    "taken_by": ("Занято: {name}", "Taken by {name}", "Алған: {name}"),
    "taken_notice": ("Этот материал сейчас проверяет {name} (до {until}). Возьмите следующий свободный.",
                     "{name} is reviewing this item (until {until}). Take the next free one.",
                     "Бұл материалды қазір {name} тексеруде ({until} дейін). Келесі бос материалды алыңыз."),
    "next_free": ("Следующий свободный →", "Next free item →", "Келесі бос материал →"),
    "claimed_notice": ("Материал закреплён за вами до {until}.", "This item is yours until {until}.",
                       "Материал сізге {until} дейін бекітілді."),
    "original": ("Оригинал", "Original", "Түпнұсқа"),
    "partial": ("за пейволлом", "behind a paywall", "ақылы жазылым"),
    "partial_hint": ("Страница сообщает, что статья платная: сохранён, возможно, только анонс. Полный текст — в оригинале.",
                     "The page says the article is for subscribers: only its teaser may be stored. Read the original.",
                     "Бет мақаланың ақылы екенін айтады: тек анонсы сақталған болуы мүмкін. Толық мәтін түпнұсқада."),
    "not_a_link": ("ссылка не http(s), не открываем", "not an http(s) link, not opened",
                   "http(s) сілтемесі емес, ашылмайды"),
    "model": ("Модель", "Model", "Модель"),
    "model_categories": ("Категории модели", "Model's categories", "Модель санаттары"),
    "attack_type": ("Тип давления", "Attack type", "Қысым түрі"),
    "perpetrator": ("Исполнитель", "Perpetrator", "Жасаушы"),
    "legal_articles": ("Статьи закона", "Legal articles", "Заң баптары"),
    "evidence_legend": ("Подсвечены предложения-доказательства", "Evidence sentences highlighted",
                        "Дәлел сөйлемдер белгіленген"),
    "decision": ("Решение", "Decision", "Шешім"),
    "victims": ("Пострадавшие (по одному в строке)", "Victims (one per line)", "Зардап шеккендер (әр жолға біреу)"),
    "place": ("Место", "Place", "Орны"),
    "incident_date": ("Дата события", "Incident date", "Оқиға күні"),
    "notes": ("Заметки", "Notes", "Ескертпелер"),
    "incident": ("Инцидент", "Incident", "Оқиға"),
    "new_incident": ("Новый инцидент", "New incident", "Жаңа оқиға"),
    "join_incident": ("Присоединить к инциденту", "Join incident", "Оқиғаға қосу"),
    "confirm_next": ("Подтвердить и дальше", "Confirm and next", "Растау және келесі"),
    "confirm": ("Подтвердить", "Confirm", "Растау"),
    "second_opinion": ("Нужно второе мнение", "Needs second opinion", "Екінші пікір қажет"),
    "reject": ("Отклонить", "Reject", "Қабылдамау"),
    "reject_reason": ("Причина отклонения", "Reason to reject", "Қабылдамау себебі"),
    "reject_note": ("Комментарий", "Comment", "Түсініктеме"),
    "choose": ("— выберите —", "— choose —", "— таңдаңыз —"),
    "none_value": ("—", "—", "—"),
    "reason_not_incident": ("Не инцидент", "Not an incident", "Оқиға емес"),
    "reason_not_media": ("Не касается СМИ и журналистов", "Not about media or journalists",
                         "БАҚ пен журналистерге қатысы жоқ"),
    "reason_outside_kazakhstan": ("Не в Казахстане", "Outside Kazakhstan", "Қазақстаннан тыс"),
    "reason_duplicate": ("Дубликат", "Duplicate", "Қайталама"),
    "reason_old_news": ("Старая новость", "Old news", "Ескі жаңалық"),
    "reason_other": ("Другое", "Other", "Басқа"),
    "attack_physical": ("Физическое", "Physical", "Физикалық"),
    "attack_non_physical": ("Нефизическое / кибер", "Non-physical / cyber", "Физикалық емес / кибер"),
    "attack_judicial_economic": ("Судебное / экономическое", "Judicial / economic", "Сот / экономикалық"),
    "perp_state": ("Государство", "State", "Мемлекет"),
    "perp_non_state": ("Негосударственный", "Non-state", "Мемлекеттік емес"),
    "perp_unknown": ("Неизвестен", "Unknown", "Белгісіз"),
    "duplicates": ("Та же история в других источниках", "Same story elsewhere", "Басқа дереккөздердегі осы оқиға"),
    "history": ("История решений", "Decision history", "Шешімдер тарихы"),
    "no_history": ("Решений пока нет.", "No decisions yet.", "Әзірге шешім жоқ."),
    "refused": ("не применено", "not applied", "қолданылмады"),
    "refusal": ("Причина", "Reason", "Себебі"),
    "refused_outdated_version": ("версия устарела", "outdated version", "нұсқа ескірген"),
    "refused_already_decided": ("материал уже решён", "already decided", "материал шешіліп қойған"),
    "overrides": ("Пересматривает решение", "Overrides the decision of", "Қайта қаралған шешім"),
    "version": ("Версия", "Version", "Нұсқа"),
    "before": ("До", "Before", "Дейін"),
    "after": ("После", "After", "Кейін"),
    "conflict": ("Материал уже изменил {name} ({at}); ваше решение не применено и записано в историю. "
                 "Посмотрите текущее состояние и решите снова.",
                 "{name} changed this item ({at}); your decision was not applied and is kept in the history. "
                 "Check the current state and decide again.",
                 "Материалды {name} өзгертті ({at}); сіздің шешіміңіз қолданылмады, тарихта сақталды. "
                 "Қазіргі күйін қарап, қайта шешіңіз."),
    "decided": ("Решение сохранено.", "Decision saved.", "Шешім сақталды."),
    "decided_notice": ("Уже решено: {status} ({name}, {at}). Ничего не нужно делать; чтобы изменить решение, "
                       "нажмите «Перерешить».",
                       "Already decided: {status} ({name}, {at}). Nothing to do here; to change the decision, "
                       "use “Re-decide”.",
                       "Шешім қабылданған: {status} ({name}, {at}). Ештеңе істеудің қажеті жоқ; шешімді өзгерту "
                       "үшін «Қайта шешу» батырмасын басыңыз."),
    "already_decided": ("{name} уже решил(а) этот материал ({at}): {status}. Ваше решение не применено и записано "
                        "в историю; чтобы изменить решение, используйте «Перерешить».",
                        "{name} already decided this item ({at}): {status}. Your decision was not applied and is "
                        "kept in the history; to change the decision, use “Re-decide”.",
                        "Бұл материалды {name} шешіп қойған ({at}): {status}. Сіздің шешіміңіз қолданылмады, "
                        "тарихта сақталды; шешімді өзгерту үшін «Қайта шешу» қолданыңыз."),
    "redecide": ("Перерешить", "Re-decide", "Қайта шешу"),
    "redecide_other": ("Новое решение заменит решение {name} и будет записано в историю как пересмотр.",
                       "Your decision will replace {name}'s and is recorded in the history as an override.",
                       "Жаңа шешім {name} шешімін ауыстырады және тарихта қайта қарау ретінде жазылады."),
    "redecide_own": ("Новое решение заменит ваше прежнее и будет записано в историю как пересмотр.",
                     "Your decision will replace your earlier one and is recorded in the history as an override.",
                     "Жаңа шешім бұрынғы шешіміңізді ауыстырады және тарихта қайта қарау ретінде жазылады."),
    "override_of": ("пересмотр решения {name}", "overrides {name}'s decision", "{name} шешімін қайта қарау"),
    "incident_current": ("текущий", "current", "ағымдағы"),
    "incident_find": ("Найти инцидент", "Find an incident", "Оқиғаны табу"),
    "incident_find_hint": ("номер или слова", "number or words", "нөмірі немесе сөздер"),
    "db_unavailable": ("База данных сейчас не отвечает (перезапуск или сбой). Ничего не потеряно: страница "
                       "обновится сама через {seconds} с; отправленную форму отправьте ещё раз.",
                       "The database is not answering right now (a restart or a failure). Nothing is lost: this page "
                       "reloads itself in {seconds} s; send a form again once it is back.",
                       "Дерекқор қазір жауап бермейді (қайта іске қосу немесе ақау). Ештеңе жоғалған жоқ: бет "
                       "{seconds} с кейін өзі жаңарады; жіберілген пішінді қайта жіберіңіз."),
    "blind_review_notice": ("Слепая двойная проверка: решите сами. Решения других мониторов скрыты, пока вы не решите.",
                            "Blind double review: decide on your own. Other monitors' decisions stay hidden "
                            "until you have decided.",
                            "Соқыр қос тексеру: өзіңіз шешіңіз. Сіз шешкенше басқа мониторлардың шешімдері жасырын."),
    "blind_review_waiting": ("Ваше решение записано; материал ждёт независимого решения другого монитора.",
                             "Your decision is recorded; the item waits for another monitor's independent decision.",
                             "Шешіміңіз жазылды; материал басқа монитордың тәуелсіз шешімін күтуде."),
    "shortcuts": ("Горячие клавиши", "Keyboard shortcuts", "Жылдам пернелер"),
    "shortcuts_hint": ("? — горячие клавиши", "? — shortcuts", "? — жылдам пернелер"),
    "key_j": ("следующий материал", "next item", "келесі материал"),
    "key_k": ("предыдущий материал", "previous item", "алдыңғы материал"),
    "key_c": ("подтвердить и дальше", "confirm and next", "растау және келесі"),
    "key_x": ("отклонить (выбрать причину)", "reject (choose a reason)", "қабылдамау (себебін таңдау)"),
    "key_digits": ("вкл/выкл категорию 1–9", "toggle category 1–9", "1–9 санатын қосу/өшіру"),
    "key_open": ("открыть выбранный (в очереди)", "open the selected item (queue)", "таңдалғанды ашу (кезекте)"),
    "key_help": ("показать/скрыть эту справку", "show/hide this help", "осы анықтаманы көрсету/жасыру"),
    "key_typing": ("Клавиши не срабатывают, пока вы печатаете в поле.", "Shortcuts never fire while you type in a field.",
                   "Өріске жазып отырғанда пернелер іске қосылмайды."),
    "close": ("Закрыть", "Close", "Жабу"),
    "download_incidents_csv": ("Инциденты (CSV)", "Incidents (CSV)", "Оқиғалар (CSV)"),
    "download_incidents_jsonl": ("Инциденты (JSON Lines)", "Incidents (JSON Lines)", "Оқиғалар (JSON Lines)"),
    "download_decisions_csv": ("Решения (CSV)", "Decisions (CSV)", "Шешімдер (CSV)"),
    "download_decisions_jsonl": ("Решения (JSON Lines)", "Decisions (JSON Lines)", "Шешімдер (JSON Lines)"),
    "not_found": ("Не найдено.", "Not found.", "Табылмады."),
    "csrf_failed": ("Форма устарела или подделана (CSRF). Обновите страницу.",
                    "The form is stale or forged (CSRF). Reload the page.",
                    "Пішін ескірген немесе жалған (CSRF). Бетті жаңартыңыз."),
    "queue_empty": ("Свободных материалов нет.", "No free items left.", "Бос материал қалмады."),
    "error": ("Ошибка", "Error", "Қате"),
    "by": ("кто", "by", "кім"),
    "when": ("когда", "when", "қашан"),
    "action": ("действие", "action", "әрекет"),
    "sign_in_first": ("Сначала войдите.", "Sign in first.", "Алдымен кіріңіз."),
    "login_wait": ("Слишком много неверных попыток. Повторите через {seconds} с.",
                   "Too many wrong attempts. Try again in {seconds} s.",
                   "Қате әрекет тым көп. {seconds} с кейін қайталаңыз."),
    "bad_input": ("В запросе недопустимые управляющие символы.", "The request holds control characters.",
                  "Сұрауда рұқсат етілмеген басқару таңбалары бар."),
    "admins_only": ("Только для администраторов.", "Admins only.", "Тек әкімшілерге."),
    "role_admin": ("администратор", "admin", "әкімші"),
    "nav_uncertain": ("Самые спорные", "Most uncertain", "Ең күмәнділері"),
    "nav_reports": ("Отчёты", "Reports", "Есептер"),
    "nav_agreement": ("Согласованность", "Agreement", "Келісім"),
    "set_double_review": ("Назначить двойную проверку (согласованность)", "Set for double review (agreement)",
                          "Қос тексеруге жіберу (келісім)"),
    "entity_victims": ("Пострадавшие", "Victims", "Зардап шеккендер"),
    "entity_places": ("Места", "Places", "Орындар"),
    "entity_outlets": ("СМИ", "Outlets", "БАҚ"),
    "entity_state_bodies": ("Госорганы", "State bodies", "Мемлекеттік органдар"),
    "entity_amounts": ("Суммы", "Amounts", "Сомалар"),
    "entity_legal_articles": ("Статьи закона", "Legal articles", "Заң баптары"),
    "one_per_line": ("по одному в строке", "one per line", "әр жолға біреу"),
    "reject_hint": ("x, затем 1–6 и Enter", "x, then 1–6 and Enter", "x, содан соң 1–6 және Enter"),
    "key_n": ("взять следующий свободный (в очереди)", "take the next free item (queue)",
              "келесі бос материалды алу (кезекте)"),
    "key_s": ("нужно второе мнение", "needs second opinion", "екінші пікір қажет"),
    "key_reject_flow": ("отклонить: причина по номеру, Enter — отклонить", "reject: reason by number, Enter rejects",
                        "қабылдамау: себеп нөмірмен, Enter — қабылдамау"),
    "key_escape": ("закрыть панель отклонения", "close the reject panel", "қабылдамау тақтасын жабу"),
    "agreement_title": ("Согласованность мониторов", "Agreement between monitors", "Мониторлар арасындағы келісім"),
    "agreement_summary": ("{labeled} из {total} материалов двойной проверки размечены двумя и более мониторами",
                          "{labeled} of {total} double-review items labeled by two or more monitors",
                          "Қос тексерудегі {total} материалдың {labeled} екі не одан көп монитормен белгіленген"),
    "agreement_explained": ("Каппа Коэна сравнивает первых двух мониторов каждого материала; альфа Криппендорфа "
                            "учитывает решения всех мониторов.",
                            "Cohen's kappa compares the first two monitors of each item; Krippendorff's alpha uses "
                            "every monitor's label.",
                            "Коэн каппасы әр материалдың алғашқы екі мониторын салыстырады; Криппендорф альфасы "
                            "барлық мониторлардың шешімін ескереді."),
    "agreement_items": ("материалов", "items", "материалдар"),
    "agreement_positive": ("положительных меток", "positive labels", "оң белгілер"),
    "cohen_kappa": ("каппа Коэна", "Cohen's kappa", "Коэн каппасы"),
    "krippendorff_alpha": ("альфа Криппендорфа", "Krippendorff's alpha", "Криппендорф альфасы"),
    "agreement_relevance": ("релевантность (подтвердить или отклонить)", "relevance (confirm vs reject)",
                            "өзектілік (растау не қабылдамау)"),
    "agreement_none": ("Ни один материал пока не размечен двумя мониторами.",
                       "No item has been labeled by two monitors yet.",
                       "Әзірге бірде-бір материалды екі монитор белгілеген жоқ."),
    "uncertain_title": ("Сначала самые спорные", "Most uncertain first", "Алдымен ең күмәнділері"),
    "uncertain_explained": ("Ожидающие материалы, в которых модель меньше всего уверена (релевантность "
                            "ближе всего к 0,5), и случайная выборка статей с низкой оценкой: решения по ним "
                            "больше всего учат модель.",
                            "Pending items the model is least sure about (relevance closest to 0.5), and the random "
                            "sample of articles it scored low: deciding these teaches the model most.",
                            "Модель ең аз сенімді күтудегі материалдар (өзектілігі 0,5-ке ең жақын) және төмен "
                            "бағаланған мақалалардың кездейсоқ іріктемесі: бұлар бойынша шешім модельді "
                            "ең көп үйретеді."),
    "miss_rate": ("Из {decided} проверенных статей с низкой оценкой мониторы подтвердили {confirmed} ({pct}%): "
                  "оценка доли пропусков модели.",
                  "Of {decided} decided low-score articles, monitors confirmed {confirmed} ({pct}%): the model's "
                  "estimated miss rate.",
                  "Төмен бағаланған {decided} мақаланың {confirmed}-ын мониторлар растады ({pct}%): модельдің "
                  "өткізіп алу үлесінің бағасы."),
    "uncertainty": ("неуверенность", "uncertainty", "белгісіздік"),
    "origin": ("откуда", "origin", "қайдан"),
    "origin_model": ("кандидат модели", "model candidate", "модель үміткері"),
    "origin_low_score_sample": ("выборка с низкой оценкой", "low-score sample", "төмен баға іріктемесі"),
    "untitled": ("(без заголовка)", "(untitled)", "(тақырыпсыз)"),
    "nothing_pending": ("Ожидающих материалов нет.", "Nothing pending.", "Күтудегі материал жоқ."),
    "no_such_chart": ("Такого графика нет.", "No such chart.", "Мұндай график жоқ."),
    "report_format": ("Формат отчёта: MD, CSV или HTML.", "The report's format: MD, CSV or HTML.",
                      "Есеп пішімі: MD, CSV не HTML."),
    "export_params": ("Неизвестная выгрузка: выберите её по ссылке на странице очереди.",
                      "Unknown export: choose one of the links on the queue page.",
                      "Белгісіз экспорт: оны кезек бетіндегі сілтемеден таңдаңыз."),
    "need_category": ("Выберите хотя бы одну категорию, чтобы подтвердить.", "Choose at least one category to confirm.",
                      "Растау үшін кемінде бір санатты таңдаңыз."),
    "need_reason": ("Выберите причину отклонения.", "Choose a reason to reject.", "Қабылдамау себебін таңдаңыз."),
    "lang_other": ("другой", "other", "басқа"),
    "attempted": ("попытка", "attempted", "әрекет етілді"),
    "double_review": ("двойная проверка", "double review", "қос тексеру"),
    "double_waiting": ("ждёт второго монитора", "waiting for another monitor", "екінші мониторды күтуде"),
    "double_agreed": ("мониторы согласны", "monitors agreed", "мониторлар келісті"),
    "double_disagreed": ("мониторы разошлись", "monitors disagreed", "мониторлар келіспеді"),
    "state_body_akimat": ("акимат", "akimat", "әкімдік"),
    "state_body_police": ("полиция", "police", "полиция"),
    "state_body_prosecutor's office": ("прокуратура", "prosecutor's office", "прокуратура"),
    "state_body_KNB": ("КНБ", "KNB", "ҰҚК"),
    "state_body_court": ("суд", "court", "сот"),
    "state_body_Ministry of Internal Affairs": ("МВД", "Ministry of Internal Affairs", "ІІМ"),
    "state_body_Ministry of Foreign Affairs": ("МИД", "Ministry of Foreign Affairs", "СІМ"),
    "state_body_ministry": ("министерство", "ministry", "министрлік"),
    "state_body_maslikhat": ("маслихат", "maslikhat", "мәслихат"),
    "state_body_Mazhilis": ("Мажилис", "Mazhilis", "Мәжіліс"),
    "state_body_Anti-Corruption Agency": ("Антикоррупционная служба", "Anti-Corruption Agency",
                                          "Сыбайлас жемқорлыққа қарсы қызмет"),
    "bad_period": ("Месяц — в виде 2024-09, год — в виде 2024 (2000–2100).",
                   "A month looks like 2024-09, a year like 2024 (2000-2100).",
                   "Ай 2024-09 түрінде, жыл 2024 түрінде (2000–2100)."),
}

LANG_INDEX = {"ru": 0, "en": 1, "kk": 2}


def translate(lang: str, key: str, **values) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[LANG_INDEX.get(lang, 0)] or entry[0]
    return text.format(**values) if values else text


def state_body_name(lang: str, name: str) -> str:
    """A state body the entity extractor found, by its canonical (English) name, in `lang`."""
    key = "state_body_" + name
    return translate(lang, key) if key in MESSAGES else name


def category_name(lang: str, code: str) -> str:
    names = load_taxonomy().categories.get(code)
    return (names.get(lang) or names.get("en") or code) if names else code
