"""Getting a firm's data in (SPEC §2.8, issue 16), the plain-Python half.

Reading files (``tables``: CSV in any common encoding and delimiter, XLSX; ``mail``:
``.mbox`` and ``.eml``; ``calendar``: ``.ics``), recognising what they are
(``profiles``: one mapping profile per CRM export, detected from the header) and turning
each row into a plain ``Record`` with the problems of its columns named (``records``).
Matching records to what the database holds, and writing them, is the web layer's
(``kamkit.web.imports``); nothing here imports Django.
"""
