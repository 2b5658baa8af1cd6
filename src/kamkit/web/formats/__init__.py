"""kamkit's own date and number formats per language (settings.FORMAT_MODULE_PATH),
over Django's: English keeps ISO dates (2026-11-29, as in kamkit's files and exports,
a kamkit choice); German writes 29.11.2026 and 1.234,5 (Django's German formats)."""
