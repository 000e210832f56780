"""Demo-data registry. Each app registers its seeding function in AppConfig.ready(); seed_demo runs them in
layer order (accounts, marketplace, billing, support, engagement) so that later layers find earlier rows."""

from collections.abc import Callable

LAYERS = ["accounts", "marketplace", "billing", "support", "engagement"]
_seeders: dict[str, list[Callable]] = {layer: [] for layer in LAYERS}


def register(layer: str, seeder: Callable) -> None:
    if layer not in _seeders:
        raise ValueError(f"unknown layer {layer!r}")
    if seeder not in _seeders[layer]:
        _seeders[layer].append(seeder)


def seeders() -> list[tuple[str, Callable]]:
    return [(layer, seeder) for layer in LAYERS for seeder in _seeders[layer]]
