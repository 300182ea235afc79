from briefgen.cli import entry

raise SystemExit(entry())
