import pytest

from crawler.extract import NotAnArticle, decode_html, extract_article

PARAGRAPHS = [
    "Сотрудники полиции Уральска в среду задержали журналиста издания «Жайык Пресс» Асель Нуркенову, "
    "когда она снимала на видео очередь у здания акимата.",
    "По словам редактора, полицейские потребовали удалить запись, а затем доставили журналистку в отдел. "
    "Там на неё составили протокол по статье 667 КоАП РК о неповиновении законному требованию полиции.",
    "Фонд «Адил соз» назвал задержание воспрепятствованием законной профессиональной деятельности "
    "журналиста и потребовал от департамента полиции объяснений.",
]


def article_page(charset_meta: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html><head><meta charset="{charset_meta}">
    <title>Журналистку задержали у акимата — Степной вестник</title>
    <meta property="article:published_time" content="2024-09-12T10:00:00+05:00">
    <meta name="author" content="Ирина Ким"></head><body>
    <nav><a href="/">Главная</a> <a href="/news/">Новости</a> <a href="/tag/sud/">Суд</a></nav>
    <article><h1>Журналистку задержали у акимата</h1>{body}</article>
    <aside class="ad">Реклама: кредит за 5 минут без справок!</aside>
    <section class="comments"><p>Гость: позор полиции, сколько можно терпеть это безобразие</p></section>
    <footer>© Степной вестник, 2024</footer></body></html>"""


def test_article_text_title_date_and_author_are_extracted_without_boilerplate():
    article = extract_article(article_page().encode(), "http://127.0.0.1/news/1.html")
    assert "Асель Нуркенову" in article.text
    assert "кредит за 5 минут" not in article.text
    assert "позор полиции" not in article.text
    assert article.title.startswith("Журналистку задержали")
    assert article.published.startswith("2024-09-12")
    assert article.author == "Ирина Ким"


def test_windows_1251_page_without_charset_header_reads_correctly():
    body = article_page(charset_meta="windows-1251").encode("cp1251")
    article = extract_article(body, "http://127.0.0.1/news/2.html", header_encoding=None)
    assert "Асель Нуркенову" in article.text
    assert article.encoding in ("windows-1251", "cp1251")


def test_windows_1251_page_with_no_declaration_at_all_is_detected():
    html = article_page().replace('<meta charset="utf-8">', "")
    text, encoding, guessed = decode_html(html.encode("cp1251"), None)
    assert guessed and "журналиста" in text
    assert encoding.replace("-", "").lower() in ("cp1251", "windows1251")


@pytest.mark.parametrize("meta", ["", '<meta property="og:type" content="article">'])
def test_listing_page_is_not_an_article_even_when_its_metadata_says_article(meta):
    teasers = "".join(
        f'<div class="teaser"><h2><a href="/news/{i}.html">Новость номер {i}: в области прошло совещание акимов</a></h2>'
        f"<p>Краткое описание новости {i}, в которой говорится о работе местных органов власти.</p></div>"
        for i in range(12))
    page = f"<html><head><title>Новости</title>{meta}</head><body><main>{teasers}</main></body></html>"
    with pytest.raises(NotAnArticle, match="listing page"):
        extract_article(page.encode(), "http://127.0.0.1/news/latest.html")


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://127.0.0.1/tag/sud/", "http://127.0.0.1/news/?page=2",
                                 "http://127.0.0.1/category/media", "http://127.0.0.1/author/ivanov/"])
def test_home_tag_category_and_paged_addresses_are_not_articles(url):
    with pytest.raises(NotAnArticle, match="listing address"):
        extract_article(article_page().encode(), url)


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><body><nav>Menu</nav><p>Short.</p></body></html>",
                                  b"\x00\xff\xfe garbage \x81\x82"])
def test_pages_without_article_text_are_rejected_with_a_reason(body):
    with pytest.raises(NotAnArticle):
        extract_article(body, "http://127.0.0.1/x")


def test_a_publication_date_in_the_future_is_never_returned():
    page = article_page().replace("2024-09-12T10:00:00+05:00", "2999-01-01T10:00:00+05:00")
    published = extract_article(page.encode(), "http://127.0.0.1/news/3.html").published
    assert published is None or published < "2999"


@pytest.mark.parametrize("url", ["http://127.0.0.1/ideas/archive/2020/08/courts-and-press/615610/",
                                 "http://127.0.0.1/?p=31228", "http://127.0.0.1/page/press-freedom.html",
                                 "http://127.0.0.1/tag/sud/2024/09/reporter-detained"])
def test_article_addresses_that_only_contain_a_listing_word_are_extracted(url):
    assert "Асель Нуркенову" in extract_article(article_page().encode(), url).text


def test_a_paywalled_page_that_carries_the_whole_article_is_not_marked_partial():
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'
    long_page = article_page().replace("</head>", ld + "</head>").replace(
        "</article>", "".join(f"<p>{p} Абзац {i}.</p>" for i in range(4) for p in PARAGRAPHS) + "</article>")
    assert not extract_article(long_page.encode(), "http://127.0.0.1/news/4.html").partial
    stub = article_page().replace("</head>", ld + "</head>")
    assert extract_article(stub.encode(), "http://127.0.0.1/news/5.html").partial
