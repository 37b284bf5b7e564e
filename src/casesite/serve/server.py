"""`casesite serve`: the livereload boundary (livereload and tornado are used here only).

The site is built into a temporary folder and only that folder is served, on 127.0.0.1.
The preview (preview.py) rebuilds it on every save; this module serves its files, tells
the open pages to reload (stylesheets are swapped in place), and, while the content has
errors, lays them over every page of the last good build. The server never stops on a
content error.

livereload's own Server is not used: it serves the current directory, dotfiles included,
polls every 0.8 s and ignores changes for 3 s after a reload. Its browser client and
websocket handler are used as they are.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import mimetypes
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, netutil, web

from casesite.core import Options
from casesite.diagnostics import Diagnostic
from casesite.routes import INDEX_FILE
from casesite.serve.overlay import inject, page_html
from casesite.serve.preview import RELOAD_SCRIPT, Preview

HOST = "127.0.0.1"
LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}


def resolve(base: Path, raw_path: str) -> tuple[Path | None, bool]:
    """The file to serve for a URL path, and whether the URL lacks a folder's final '/'.

    Nothing outside `base`, no dotfile or dot-folder, no symbolic link, no listing."""
    names = unquote(raw_path).split("/")[1:]
    folder_url = not names or names[-1] == ""
    names = names[:-1] if folder_url and names else names
    for name in names:
        if not name or name.startswith(".") or "\\" in name or "\0" in name:
            return None, False
    target = base.joinpath(*names)
    if target.is_dir() and not target.is_symlink():
        if not folder_url:
            return None, True
        target = target / INDEX_FILE
    if not target.is_file() or target.is_symlink():
        return None, False
    if not target.resolve().is_relative_to(base.resolve()):
        return None, False
    return target, False


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def reload_message(path: str) -> dict[str, object]:
    return {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}


def reload_browsers(path: str) -> None:
    """Tell every open page to reload; a stylesheet path swaps just that stylesheet."""
    message = reload_message(path)
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(message)
        except Exception:
            LiveReloadHandler.waiters.discard(waiter)


class ReloadSocket(LiveReloadHandler):  # type: ignore[misc]  # livereload has no type hints
    """livereload's websocket, for pages from this server only."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def check_origin(self, origin: str) -> bool:
        return urlsplit(origin).hostname in LOCAL_NAMES

    def on_message(self, message: str | bytes) -> None:
        super().on_message(message)
        # The page says which address it shows ("info", after the handshake). If it was
        # served before the last reload was sent, it missed it: two saves in quick
        # succession, the second while the page was reloading after the first.
        try:
            said = json.loads(message)
        except ValueError:
            return
        if isinstance(said, dict) and said.get("command") == "info":
            path = urlsplit(str(said.get("url", ""))).path
            preview = self.preview
            if preview.served.get(path, preview.generation) < preview.generation:
                self.send_message(reload_message("*"))


class SiteHandler(web.RequestHandler):
    """Files of the last good build, with the reload script and any errors injected."""

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")

    def prepare(self) -> None:
        # A page on another site may point its own name at 127.0.0.1 (DNS rebinding).
        if self.request.host_name not in LOCAL_NAMES:
            raise web.HTTPError(403)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")

    def _page(self, status: int, title: str, text: str) -> None:
        page = page_html(title, title, text, self.preview.errors_for(self.request.path))
        self.set_status(status)
        self._finish_page(page)

    def _errors_page(self, title: str, problems: list[Diagnostic]) -> None:
        note = "Fix the problems below and save, then reload this page."
        page = page_html(title, title, "It is made when it is asked for.", problems, note)
        self.set_status(500)
        self._finish_page(page)

    def _finish_page(self, page: str) -> None:
        """A page of the server's own (not of the site), with the reload script."""
        self.preview.served[self.request.path] = self.preview.generation
        self.set_header("Content-Type", TYPES[".html"])
        self.finish(inject(page.encode(), RELOAD_SCRIPT, ""))

    async def get(self) -> None:
        preview = self.preview
        if not preview.good_builds:
            return self._page(
                500,
                "casesite: the site cannot be built yet",
                "casesite keeps watching your files and shows the page as soon as "
                "the problems below are fixed.",
            )
        target, add_slash = resolve(preview.out, self.request.path)
        if add_slash:
            return self.redirect(self.request.path + "/")
        if target is None:
            made = await preview.make(self.request.path)
            if made:
                return self._errors_page(f"casesite could not make {self.request.path}", made)
            if made is not None:
                target, _ = resolve(preview.out, self.request.path)
        if target is None:
            text = "There is no page at this address."
            if not preview.options.drafts:
                text += " Drafts are shown with: casesite serve --drafts."
            return self._page(404, "Not found", text)
        data = target.read_bytes()
        kind = content_type(target)
        if kind.startswith("text/html"):
            data = preview.decorate(data, self.request.path)
        self.set_header("Content-Type", kind)
        self.finish(data)


def _application(preview: Preview) -> web.Application:
    return web.Application(
        [
            (r"/livereload", ReloadSocket, {"preview": preview}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r"/.*", SiteHandler, {"preview": preview}),
        ],
        log_function=lambda handler: None,
    )


async def _run(preview: Preview, port: int) -> int:
    try:
        sockets = netutil.bind_sockets(port, address=HOST)
    except OSError as exc:
        print(
            f"casesite: cannot listen on {HOST}:{port} ({exc.strerror}); "
            "choose another port with --port N",
            file=sys.stderr,
        )
        return 2
    server = httpserver.HTTPServer(_application(preview))
    server.add_sockets(sockets)
    preview.record(await preview.build(), "first build")
    actual = sockets[0].getsockname()[1]
    what = "the site with drafts" if preview.options.drafts else "the site"
    print(f"casesite: serving {what} at http://{HOST}:{actual}/ (Ctrl+C stops)", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows
            loop.add_signal_handler(sig, stop.set)
    watcher = asyncio.create_task(preview.watch())
    try:
        await stop.wait()
    finally:
        watcher.cancel()
        server.stop()
        for waiter in list(LiveReloadHandler.waiters):
            waiter.close()
        preview.executor.shutdown(wait=True, cancel_futures=True)
    print("casesite: stopped.", flush=True)
    return 0


def scratch_folder() -> Path:
    """A new private folder for the preview's builds: in memory (/dev/shm) where there is
    one, since each rebuild writes and deletes about a hundred files (on a busy disk,
    deleting the previous build alone took 100 ms; in memory, under 1 ms)."""
    shm = Path("/dev/shm")
    parent = str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None
    return Path(tempfile.mkdtemp(prefix="casesite-serve-", dir=parent))


def serve(options: Options, port: int, follow_today: bool = True) -> int:
    """Serve a live preview until Ctrl+C; exit code 0, or 2 if the port cannot be used."""
    folder = scratch_folder()
    try:
        return asyncio.run(_run(Preview(options, folder, follow_today, reload_browsers), port))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
