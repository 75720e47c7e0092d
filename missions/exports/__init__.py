"""Files for spreadsheets: CSV, CSV for Excel and XLSX, written the same way by every report."""
