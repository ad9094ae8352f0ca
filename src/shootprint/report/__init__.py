"""Pure renderers: footprints and comparisons to text, JSON, CSV (and later HTML, PDF, XLSX)."""
