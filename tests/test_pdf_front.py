"""The collection's front matter rendered among the briefs, by a worker free while the last
briefs render (pdf/workers.py, FrontJob): on the page counts known by then, the others
guessed; kept by the collection when the guess was right, rendered again otherwise, the
collection the same bytes either way. Real WeasyPrint renders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from casesite.core import Checked, Options
from casesite.gate import check
from casesite.incremental.briefs import AssetDigests, BriefCache
from casesite.incremental.store import CacheMode, Store
from casesite.pdf.briefs import BriefFile, brief_html, dated_by_content, engine_setup
from casesite.pdf.collection import CollectionMaker, first_guess, front_html, starts
from casesite.pdf.progress import Progress
from casesite.pdf.workers import Job, guessed, render_jobs
from casesite.render.environment import Layouts, make_environment
from casesite.routes import THEME_CSS, brief_path, case_study_url

from .conftest import CASE_STUDY, MiniSite

THIRD = CASE_STUDY.replace("title: Police and", "title: Third story, police and").replace(
    "published: 2022-03-15", "published: 2022-05-01"
)
SECOND = CASE_STUDY.replace("title: Police and", "title: Second story, police and").replace(
    "published: 2022-03-15", "published: 2022-04-01"
)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([2, 0, 2, 1], [2, 2, 2, 1]),  # the most common known count
        ([3, 1, 1, 0], [3, 1, 1, 1]),
        ([0, 0], [2, 2]),  # none known yet: two pages
        ([1, 4], [1, 4]),  # all known: as they are
    ],
)
def test_an_unknown_page_count_is_guessed_as_the_most_common_known(
    counts: list[int], expected: list[int]
) -> None:
    assert guessed(counts) == expected


class Parts:
    def __init__(self, root: Path, checked: Checked) -> None:
        self.root, self.checked = root, checked
        self.layouts = Layouts(make_environment(root))
        self.setup = engine_setup(checked, root, font_cache=False)
        self.cache = BriefCache(Store(root, CacheMode.OFF))
        self.digests = AssetDigests(
            self.setup.root, self.setup.assets, {THEME_CSS: self.setup.theme_css}
        )
        self.studies = checked.site.case_studies
        self.places = {cs.source: i for i, cs in enumerate(self.studies)}
        self.jobs = [
            Job(
                cs.source,
                brief_html(self.layouts, checked, cs),
                case_study_url(cs),
                f"brief-{i}",
                i,
            )
            for i, cs in enumerate(self.studies)
        ]

    def maker(self) -> CollectionMaker:
        return CollectionMaker(
            self.checked, self.layouts, self.setup, self.cache, self.digests, "engine"
        )


@pytest.fixture
def three(mini_site: Callable[..., MiniSite]) -> Parts:
    site = mini_site(
        {
            "content/case-studies/second.md": SECOND,
            "content/case-studies/third.md": THIRD,
        },
        pdf=True,
    )
    checked, report = check(Options(root=site.root, out=site.out, pdf=True))
    assert checked is not None, [d.format() for d in report]
    return Parts(site.root, checked)


@pytest.mark.parametrize("right", [True, False], ids=["guessed right", "guessed wrong"])
def test_a_front_matter_rendered_among_the_briefs_is_kept_only_on_the_right_counts(
    three: Parts, right: bool
) -> None:
    p = three
    with dated_by_content(p.checked):
        alone = render_jobs(p.jobs, p.setup, 1, Progress(0, None))
        assert alone.fronts == {}
        lengths = [alone.briefs[cs.source][0].pages for cs in p.studies]
        assert len(set(lengths)) == 1, lengths  # so the most common count is the right guess
        # The first two briefs are known (as if cached), the last renders beside the front
        # matter: its count is guessed from theirs, right, or from wrong ones.
        known = {0: lengths[0], 1: lengths[1]} if right else {0: 9, 1: 9}
        maker = p.maker()
        early = render_jobs(
            p.jobs[2:], p.setup, 2, Progress(0, None), [maker.front_job(p.places)], known
        )
        (front,) = early.fronts.values()
        assert not front.rendered.problems and front.part
        on_the_counts = front_html(p.layouts, p.checked, starts(first_guess(3), lengths))
        assert (front.html == on_the_counts) is right
        briefs = {cs.source: alone.briefs[cs.source][0] for cs in p.studies}
        found = {
            cs.source: BriefFile(brief_path(cs), b.data, b.pages)
            for cs, b in zip(p.studies, briefs.values(), strict=True)
        }
        made_of = {source: b.read for source, b in briefs.items()}
        keys = {job.source: job.key for job in p.jobs}
        maker.make(found, made_of, keys, {}, early.fronts)
        plain = p.maker()
        plain.make(found, made_of, keys, {})
    assert maker.file is not None and plain.file is not None
    assert maker.file.data == plain.file.data, "the same collection, whatever the guess"
    assert (maker.early_used, maker.front_rendered) == ((1, 1) if right else (0, 1))
    assert plain.front_rendered == 1


def test_a_front_matter_rendered_early_on_a_wrong_length_of_its_own_is_rendered_again_early(
    three: Parts,
) -> None:
    """The cache says the front matter was 7 pages long last time: the worker renders it
    for 7, sees its real length and renders it again for that, as the collection would;
    the collection takes both renders and makes none of its own."""
    p = three
    cache = BriefCache(Store(p.root, CacheMode.WRITE))
    cache.put_front_hint(3, 7)
    with dated_by_content(p.checked):
        alone = render_jobs(p.jobs, p.setup, 1, Progress(0, None))
        briefs = {cs.source: alone.briefs[cs.source][0] for cs in p.studies}
        lengths = [b.pages for b in briefs.values()]
        maker = CollectionMaker(p.checked, p.layouts, p.setup, cache, p.digests, "engine")
        known = dict(enumerate(lengths[:2]))
        early = render_jobs(
            p.jobs[2:], p.setup, 2, Progress(0, None), [maker.front_job(p.places)], known
        )
        assert len(early.fronts) == 2
        first = front_html(p.layouts, p.checked, starts(7, lengths))
        assert first in early.fronts and early.fronts[first].rendered.pages != 7
        found = {
            cs.source: BriefFile(brief_path(cs), b.data, b.pages)
            for cs, b in zip(p.studies, briefs.values(), strict=True)
        }
        made_of = {source: b.read for source, b in briefs.items()}
        keys = {job.source: job.key for job in p.jobs}
        maker.make(found, made_of, keys, {}, early.fronts)
        plain = p.maker()
        plain.make(found, made_of, keys, {})
    assert maker.file is not None and plain.file is not None
    assert maker.file.data == plain.file.data
    assert (maker.early_used, maker.front_rendered) == (2, 2)
