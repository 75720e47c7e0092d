"""Import of the desk's spreadsheet (the contributions report's layout) with a dry-run preview.

The flow is one way, like the rest of the app: ``reading`` turns an uploaded file into text cells
(within limits that hold for any file), ``rows`` reads each row into typed values, ``planning``
turns those into a ``plan`` (per row: new, changed, unchanged or an error; the records it names,
found in a few queries) without keeping anything, checked by the models' own rules (``rules``:
``full_clean``, and the database itself in a savepoint), and ``applying`` carries out a plan that
has no errors, all rows or none, set-based (``writing``). ``pending`` keeps the parsed rows
between the preview and the confirmation, in the database; ``views`` is thin.
"""
