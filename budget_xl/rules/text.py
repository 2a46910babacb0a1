"""Text ↔ table checks (placeholder, filled below)."""
TEXT_RULES = []
