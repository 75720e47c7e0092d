"""Reading a letter's text: its document header, the documents it cites, proposed statements.

Dutch government letters are written to a pattern: a header with dossier and number, "Den
Haag, <date>", an opening that says what kind of letter it is, and sentences of the form
"<who> <verb> <contribution> (<figure>) aan <mission> <period>". The modules here read those
patterns; they never touch the database (missions are passed in), so the same reading serves
the admin page, the command line and the tests.

Nothing is imported here, so that ``missions.dates`` can use ``missions.letters.numbers``
without an import cycle.
"""
