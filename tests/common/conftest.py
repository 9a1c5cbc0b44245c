from factories import presets, presets_once  # noqa: F401  (fixtures)
