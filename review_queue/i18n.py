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
    "not_a_link": ("ссылка не http(s), не открываем", "not an http(s) link, not opened",
                   "http(s) сілтемесі емес, ашылмайды"),
    "model": ("Модель", "Model", "Модель"),
    "model_categories": ("Категории модели", "Model's categories", "Модель санаттары"),
    "attack_type": ("Тип давления", "Attack type", "Қысым түрі"),
    "perpetrator": ("Исполнитель", "Perpetrator", "Жасаушы"),
    "legal_articles": ("Статьи закона", "Legal articles", "Заң баптары"),
    "entities": ("Сущности", "Entities", "Атаулар"),
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
    "refused": ("отклонено: версия устарела", "refused: outdated version", "қабылданбады: нұсқа ескірген"),
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
}

LANG_INDEX = {"ru": 0, "en": 1, "kk": 2}


def translate(lang: str, key: str, **values) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[LANG_INDEX.get(lang, 0)] or entry[0]
    return text.format(**values) if values else text


def category_name(lang: str, code: str) -> str:
    names = load_taxonomy().categories.get(code)
    return (names.get(lang) or names.get("en") or code) if names else code
