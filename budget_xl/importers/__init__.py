"""Importers: published disclosure documents → sheet grids → the one reader."""
