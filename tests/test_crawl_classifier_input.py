"""A crawled page whose text begins with its headline is classified on that text once:
the stored relevance is what the model gives for the text alone (classifier_input), not
for the headline twice (which cost real passages relevance F1: README, "Classifier")."""
import json
import shutil
import sqlite3
import subprocess

from classifiers.registry import Registry

from .conftest import ROOT, sozwatch_cmd
from .fixtures.crawl import FAST, write_sources
from .fixtures.sites import HTML, XML, Site, article_html, urlset

TITLE = "В Уральске полиция задержала журналиста местного сайта"
PARAGRAPHS = [TITLE,
              "Корреспондента портала «Жайык пресс» задержали у здания акимата, когда он снимал встречу "
              "жителей с акимом. Его доставили в отдел полиции и отпустили через три часа.",
              "Редакция считает задержание воспрепятствованием журналистской деятельности и обратилась в прокуратуру."]


def fallback_registry(root):
    """The shipped TF-IDF-only model as the only, active, version: no embeddings, quick to load."""
    shipped = Registry()
    version = shipped._state()["fallback"]
    registry = Registry(root)
    shutil.copytree(shipped.root / version, registry.root / version)
    registry.promote(version)
    return registry


def test_a_page_beginning_with_its_title_is_classified_on_its_text_alone(tmp_path):
    registry = fallback_registry(tmp_path / "models")
    with Site() as site:
        site.routes["/sitemap.xml"] = lambda h, q: (200, XML, urlset([(site.url("/n/1"), "2024-10-01")]))
        site.routes["/feed.xml"] = (404, HTML, b"")
        site.routes["/n/1"] = (200, HTML, article_html(TITLE, PARAGRAPHS).encode())
        sources = write_sources(tmp_path / "sources.yaml", [{"name": "local", "feeds": [site.url("/feed.xml")],
                                                             "sitemaps": [site.url("/sitemap.xml")]}])
        args = [*sozwatch_cmd(), "--db", str(tmp_path / "db.sqlite"), "--models-dir", str(registry.root),
                "crawl", "--sources", str(sources)]
        for name, value in FAST.items():
            args += ["-s", f"{name}={value}"]
        run = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]

    db = sqlite3.connect(tmp_path / "db.sqlite")
    title, text, relevance, scores = db.execute(
        "SELECT a.title, a.text, p.relevance, p.scores FROM articles a JOIN predictions p ON p.article_id = a.id").fetchone()
    assert title == TITLE and text.startswith(TITLE)     # the page really repeats its title
    model = registry.load().model
    alone = model.predict([text])[0]
    assert relevance == alone.relevance
    assert json.loads(scores) == alone.scores
    assert model.predict([f"{title}\n{text}"])[0].relevance != alone.relevance   # the check can tell them apart
