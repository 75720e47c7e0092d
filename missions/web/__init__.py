"""The staff pages: thin views, urls, forms, filters, the table, and how figures read."""
