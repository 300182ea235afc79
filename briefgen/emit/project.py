"""The generated MkDocs project: ``build/mkdocs.yml``, ``build/docs/`` and the theme overrides.

Only files whose bytes change are rewritten, and files no page produces any more are deleted, so the
project in ``build/`` is always exactly the current briefing and editors/watchers see minimal churn.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefgen.emit import offline
from briefgen.emit.site import prune_empty
from briefgen.model.types import Model
from briefgen.render import search
from briefgen.render.differences import PAGE as DIFFERENCES_PAGE
from briefgen.render.differences import TITLE as DIFFERENCES_TITLE
from briefgen.render.differences import differences_of
from briefgen.render.figures.make import has_graph, has_map
from briefgen.render.format import plain_title
from briefgen.render.pages import Page, default_template_dir
from briefgen.render.whatsnew import PAGE, edition_line

BUILD_DIR = "build"
"""Folder of the generated MkDocs project, relative to the briefing folder."""


@dataclass(frozen=True)
class ProjectFile:
    """A file of the generated MkDocs project."""

    path: str
    """Path relative to the build folder."""
    data: bytes
    """Content."""


@dataclass(frozen=True)
class KnownDocs:
    """What the build cache knows of the pages' Markdown without reading it again (see briefgen/stagecache.py)."""

    digests: Mapping[str, str]
    """The digest (:func:`~briefgen.cache.digest_bytes`) of each page's Markdown bytes, by docs-relative path."""
    on_disk: frozenset[str]
    """The pages (docs-relative paths) whose file in the project's ``docs/`` holds those bytes already: the build
    cache read them back from there in this run."""


def attr_text(text: str) -> str:
    """:func:`plain_title` that is also safe inside a double-quoted HTML attribute: Material's templates put
    site_name, site_description and site_author into attributes without escaping them."""
    return plain_title(text).replace('"', "\u201d")


def nav(model: Model) -> list:
    items: list = [{"Home": "index.md"}]
    if model.changes is not None:
        items.append({"What's new": PAGE})
    for kind in model.config.kinds:
        items.append({plain_title(kind.plural): f"{kind.slug}/index.md"})
    items += [{"Timeline": "timeline.md"}, {"Articles": "articles/index.md"}, {"Sources": "sources.md"}]
    figure_pages = [{"Map": "map.md"}] if has_map(model) else []
    figure_pages += [{"Connections": "connections.md"}] if has_graph(model) else []
    items[items.index({"Timeline": "timeline.md"}) + 1 : items.index({"Timeline": "timeline.md"}) + 1] = figure_pages
    if differences_of(model):
        items.append({DIFFERENCES_TITLE: DIFFERENCES_PAGE})
    return items


def mkdocs_config(model: Model) -> dict:
    c = model.config
    cfg: dict = {
        "site_name": attr_text(c.title),
        "site_description": attr_text(c.subtitle or c.title),
        "docs_dir": "docs",
        "site_dir": "../site",
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "custom_dir": "overrides",
            "font": False,
            "language": c.language if c.language in ("en", "de", "fr", "ja", "ru", "es", "it", "nl", "pt") else "en",
            "features": ["navigation.indexes", "navigation.top", "navigation.prune", "search.highlight", "toc.follow"],
            "palette": [
                {
                    "media": "(prefers-color-scheme: light)",
                    "scheme": "default",
                    "primary": "blue grey",
                    "accent": "deep orange",
                    "toggle": {"icon": "material/weather-night", "name": "Switch to dark mode"},
                },
                {
                    "media": "(prefers-color-scheme: dark)",
                    "scheme": "slate",
                    "primary": "blue grey",
                    "accent": "deep orange",
                    "toggle": {"icon": "material/weather-sunny", "name": "Switch to light mode"},
                },
            ],
        },
        "plugins": [{"search": search.plugin_config()}],
        "markdown_extensions": [
            {"toc": {"permalink": True, "permalink_title": "Link to this section"}},
            "briefgen.emit.rawhtml",  # the pages' raw HTML read once, not twice (same output)
        ],
        "extra_css": ["assets/briefgen.css"],
        "extra": {"generator": False, "marking": c.marking or "", "polyfills": [offline.SHIM_PATH]},
        "copyright": plain_title(
            " · ".join(x for x in (c.marking, edition_line(c), f"As of {c.as_of}", ", ".join(c.authors)) if x)
        ),
        "nav": nav(model),
        "validation": {
            "nav": {"omitted_files": "info", "not_found": "warn", "absolute_links": "warn"},
            "links": {"not_found": "warn", "anchors": "warn", "absolute_links": "warn", "unrecognized_links": "warn"},
        },
    }
    if c.site_url:
        cfg["site_url"] = c.site_url
    if c.authors:
        cfg["site_author"] = attr_text(", ".join(c.authors))
    return cfg


def project_files(model: Model, pages: list[Page]) -> list[ProjectFile]:
    """Every file of the MkDocs project, in a stable order."""
    files = [
        ProjectFile(
            "mkdocs.yml",
            (
                "# Generated by briefgen: edit content/, not this file.\n"
                + yaml.safe_dump(mkdocs_config(model), allow_unicode=True, sort_keys=False, width=10**6)
            ).encode(),
        )
    ]
    files += [ProjectFile(f"docs/{p.path}", p.markdown.encode()) for p in pages]
    tdir = default_template_dir()
    files.append(ProjectFile("docs/assets/briefgen.css", (tdir / "assets" / "briefgen.css").read_bytes()))
    files.append(ProjectFile("overrides/main.html", (tdir / "overrides" / "main.html").read_bytes()))
    files.append(
        ProjectFile(f"docs/{offline.SHIM_PATH}", offline.shim_script(mkdocs_config(model)["theme"]["language"]))
    )
    return files


def write_project(
    root: Path, files: list[ProjectFile], briefing_templates: Path | None = None, unchanged: Collection[str] = ()
) -> list[str]:
    """Write the project under ``root/build``; return the paths whose bytes changed (added or modified).
    ``unchanged``: paths (relative to ``root/build``) known to hold their file's bytes already (not read again)."""
    build = root / BUILD_DIR
    if briefing_templates is not None:
        files = _apply_overrides(files, briefing_templates)
    wanted = {f.path for f in files}
    changed = []
    for f in files:
        if f.path in unchanged:
            continue
        target = build / f.path
        try:
            if target.read_bytes() == f.data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(f.data)
        tmp.replace(target)
        changed.append(f.path)
    for sub in ("docs", "overrides"):
        base = build / sub
        if not base.is_dir():
            continue
        stale = []
        for top, _, names in os.walk(base):  # (2,000 pathlib objects cost more than the walk)
            rel_top = os.path.relpath(top, build).replace(os.sep, "/")
            stale += [f"{rel_top}/{name}" for name in names if f"{rel_top}/{name}" not in wanted]
        for rel in sorted(stale, reverse=True):
            existing = build / rel
            if existing.is_file():
                existing.unlink()
                changed.append(rel)
                prune_empty(existing.parent, base)
    return changed


def _apply_overrides(files: list[ProjectFile], tdir: Path) -> list[ProjectFile]:
    """A briefing's own templates/assets/briefgen.css and templates/overrides/main.html replace the defaults."""
    out = []
    for f in files:
        source = {
            "docs/assets/briefgen.css": tdir / "assets" / "briefgen.css",
            "overrides/main.html": tdir / "overrides" / "main.html",
        }.get(f.path)
        if source is not None and source.is_file():
            f = ProjectFile(f.path, source.read_bytes())
        out.append(f)
    return out


def clean_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
