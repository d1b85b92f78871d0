"""Importing a meeting's list of participants from a CSV or XLSX file, in the admin.

The secretariat picks a meeting and uploads its list of participants: a header row, then one
row per participant with a ``name`` column, an ``entity`` column (the entity's acronym or full
name, blank for none) and, optionally, a ``list_number`` column. The admin shows a preview,
which writes nothing, and writes when the user confirms. The whole file is checked before
anything is written, at the preview and again at the confirmation: one bad row and nothing is
saved, not even the new people.

It flows in four steps, each in its own module, the write apart from the rest:

- ``files``: the upload as a table of cells, within the limits (size, rows, an XLSX's zip
  directory) checked before or while it is read;
- ``rows``: the table as checked participants (header, names, entities, list numbers, cells
  that a spreadsheet would run as formulas), every problem named by its row in the file;
- ``plan``: what the import would do to the meeting's list, read from the database;
- ``meetings.services.attendance_import``: the one write, atomic, which makes the plan again
  under a lock and writes it in batches. The admin calls it; a future intake of meeting
  reports calls it the same way, with rows of its own.

``forms`` and ``admin`` are the two pages (upload and preview, then confirm).

Why no django-import-export: it was used for its pages only, and everything it does was
overridden. Its resources write row by row, inside ``import_data``, so the write cannot be
a service that another caller shares; the whole-file checks, the file's row numbers, the
batched writes, the renumbering and the style-free preview each replaced a part of it; its
``dry_run`` preview creates people in a transaction only to roll them back. A plain form,
a read-only plan and a service do the same in less code, with nothing overridden, and the
admin no longer carries import-export's export formats, whose cells had to be made safe.
"""
