"""How the record is read: as-of, corrections, summaries, comparisons; every rule once."""
