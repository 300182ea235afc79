"""The edition record in the site: ``edition.json`` (what this build published) and ``edition-since.json`` (the
edition it was compared with), see docs/editions.md."""

from __future__ import annotations

from pathlib import Path

from briefgen.model.manifest import MANIFEST, SINCE, Manifest, dump_manifest


def edition_files(manifest: Manifest, base: Manifest | None) -> dict[str, bytes]:
    """The files of the edition record, by name in the site."""
    files = {MANIFEST: dump_manifest(manifest)}
    if base is not None:
        files[SINCE] = dump_manifest(base)
    return files


def write_edition(site: Path, manifest: Manifest, base: Manifest | None) -> None:
    """Write the edition record into ``site`` (a staged or served folder), and remove a stale ``edition-since.json``
    when this build compared with nothing."""
    files = edition_files(manifest, base)
    for name, data in files.items():
        target = site / name
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        tmp = target.with_name(name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    if SINCE not in files:
        (site / SINCE).unlink(missing_ok=True)
