"""Data out: spreadsheets, open-data files (SCDL, dispositif d'aide) and PDFs."""
