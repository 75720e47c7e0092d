"""Import of the desk's spreadsheet (the contributions report's layout) with a dry-run preview.

The flow is one way, like the rest of the app: ``reading`` turns an uploaded file into text cells,
``rows`` and ``cells`` read each row into typed values, ``planning`` turns those into a ``plan``
(per row: new, changed, unchanged or an error) without keeping anything, checked by the models'
own rules (``rules``: ``full_clean``, and the database itself in a savepoint), and ``applying``
carries out a plan that has no errors, all rows or none, in bulk. ``pending`` keeps the parsed
rows between the preview and the confirmation, in the database; ``views`` is thin.
"""
