"""Recognising disclosure tables by their meaning: titles, headers and code columns against the aliases
declared in the profiles (budget_xl/schema/profiles/*/layouts.toml)."""
