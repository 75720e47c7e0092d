"""The report pages and their files: summary, expiring mandates, changes."""
