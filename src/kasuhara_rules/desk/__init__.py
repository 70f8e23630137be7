"""The desk (`kasu serve`): the journal in a browser for staff, supervisors, authors, auditors and managers.

>>> from kasuhara_rules.desk.settings import Settings
>>> Settings().host, Settings().port
('127.0.0.1', 8000)

`create_app(journal, settings)` (in `kasuhara_rules.desk.app`) is the ASGI application; it needs the
`desk` extra (Starlette, uvicorn, Jinja2, argon2-cffi, starsessions, starlette-wtf, secure), and without
it `kasu serve` says to run `pip install '.[desk]'`. docs/desk.md tells how to run and secure it.
"""
from __future__ import annotations
