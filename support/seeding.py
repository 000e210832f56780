def seed_support(progress) -> None:
    """Filled in below once the demo rows exist."""
