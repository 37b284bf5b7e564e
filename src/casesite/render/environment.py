"""The Jinja boundary: autoescaped, strict, sandboxed layouts read only from real files
under layouts/; a template error names the layout line and the case study being rendered."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.sandbox

from casesite.diagnostics import Diagnostic, Location, error
from casesite.incremental.store import Store, code_digest, digest
from casesite.render.i18n import FILTERS, GETTEXT_CALLABLES

LAYOUTS_DIR = "layouts"
COMPILED = "layouts"  # in the build cache: compiled layouts (CompiledLayouts)


class TemplateProblem(Exception):
    """A layout failed; carries the diagnostic to report."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic)  # as its only argument, so it pickles across processes
        self.diagnostic = diagnostic

    def __str__(self) -> str:
        return self.diagnostic.message


class LayoutLink(jinja2.TemplateNotFound):
    """A layout that is, or lies under, a symbolic link: never read (it could publish any
    file of the machine, such as /etc/passwd)."""


class LayoutLoader(jinja2.FileSystemLoader):
    """Reads layouts only from real files under the layouts folder: a symbolic link, to a
    file or to a folder, anywhere on the way is refused (FileSystemLoader follows them)."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        folder = Path(self.searchpath[0])
        if folder.is_symlink():
            raise LayoutLink("")
        parts = jinja2.loaders.split_template_path(template)  # refuses '..'
        path = folder
        for part in parts:
            path = path / part
            if path.is_symlink():
                raise LayoutLink(path.relative_to(folder).as_posix())
        return super().get_source(environment, template)


class CompiledLayouts(jinja2.BytecodeCache):
    """Compiled layouts kept in the build cache, so that a build compiles only the layouts
    that changed (compiling them all took about 70 ms of every build's CPU). An entry is
    named by casesite's code and Jinja's version (which decide what a layout compiles to)
    and by the layout's name and path; Jinja checks the source's checksum, kept with the
    code, and compiles again when the file changed."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        return f"{COMPILED}/{digest(code_digest(), jinja2.__version__, bucket.key)}"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.store.read(self._name(bucket))
        if data is not None:
            bucket.bytecode_from_string(data)  # kept as it is if its checksum differs

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store.write(self._name(bucket), bucket.bytecode_to_string())


_ENVIRONMENTS: dict[Path, jinja2.Environment] = {}


def make_environment(
    root: Path, watch: bool = True, store: Store | None = None
) -> jinja2.Environment:
    """The site's Jinja environment.

    `watch`: one per layouts folder and process, reused across builds, so that `casesite
    serve` compiles each layout once (about 50 ms of a 4-page rebuild) and again only when
    its file changes (each use of a layout checks its file's time). Otherwise a new one,
    which checks nothing: for one build, whose layouts do not change while it runs (the
    checks would be about 30,000 file status calls on a site of 1,000 case studies).
    `store`: the build cache, where compiled layouts are kept (CompiledLayouts), if any;
    for a watched environment, the one the first call gives."""
    folder = (root / LAYOUTS_DIR).absolute()
    env = _ENVIRONMENTS.get(folder) if watch else None
    if env is None:
        # Autoescape every template, whatever its name (select_autoescape skips *.j2), and
        # make a missing value an error rather than empty text. The sandbox keeps a layout
        # from reaching Python's internals (lipsum.__globals__, cycler.__init__.__globals__:
        # a plain Environment lets a layout run any command).
        env = jinja2.sandbox.SandboxedEnvironment(
            loader=LayoutLoader(str(folder), followlinks=False),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=watch,
            extensions=["jinja2.ext.i18n"],
            bytecode_cache=CompiledLayouts(store) if store is not None else None,
        )
        # The interface strings: _(), ngettext(), {% trans %} in the page's language (the
        # page's values carry it), %(name)s placeholders, white space in {% trans %} trimmed.
        env.policies["ext.i18n.trimmed"] = True
        env.install_gettext_callables(newstyle=True, **GETTEXT_CALLABLES)  # type: ignore[attr-defined]
        env.filters.update(FILTERS)
        if watch:
            _ENVIRONMENTS[folder] = env
    return env


def _template_location(exc: BaseException, template: str) -> Location:
    line = getattr(exc, "lineno", None)
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename.endswith(".html") and frame.lineno:
                line, name = frame.lineno, frame.filename
                break
    shown = f"{LAYOUTS_DIR}/{Path(name).name}" if name else f"{LAYOUTS_DIR}/{template}"
    return Location(shown, int(line or 1), 1)


@dataclass
class Layouts:
    env: jinja2.Environment

    def render(self, template: str, context: Mapping[str, Any], subject: str) -> str:
        """Render one page; `subject` names what is being rendered, for the error message."""
        try:
            return self.env.get_template(template).render(**context)
        except LayoutLink as exc:
            shown = f"{LAYOUTS_DIR}/{exc.name}" if exc.name else LAYOUTS_DIR
            raise TemplateProblem(
                error(
                    Location(shown),
                    "symlink",
                    f"'{shown}' is a symbolic link; casesite does not follow "
                    f"links out of {LAYOUTS_DIR}/ (needed for {subject})",
                    "replace the link with a copy of the file",
                )
            ) from exc
        except jinja2.exceptions.SecurityError as exc:
            raise TemplateProblem(
                error(
                    _template_location(exc, template),
                    "layout-unsafe",
                    f"the layout reaches for something a layout may not use, while rendering "
                    f"{subject}: {exc}",
                    "a layout may only use the values casesite passes to it (see the README); "
                    "names starting with _ and Python's internals are not among them",
                )
            ) from exc
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(
                error(
                    Location(f"{LAYOUTS_DIR}/{template}"),
                    "missing-layout",
                    f"the layout '{exc.name}' does not exist (needed for {subject})",
                    f"create {LAYOUTS_DIR}/{exc.name}",
                )
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(
                error(
                    _template_location(exc, template),
                    "layout-syntax",
                    f"the layout cannot be read: {exc.message}",
                    "check the {% %} and {{ }} tags around this line",
                )
            ) from exc
        except Exception as exc:  # any failure inside a layout is reported, not raised
            raise TemplateProblem(
                error(
                    _template_location(exc, template),
                    "layout-error",
                    f"the layout failed while rendering {subject}: {exc}",
                    "a layout may only use the values casesite passes to it (see the README)",
                )
            ) from exc
