"""Demo data of the engagement app."""


def seed_engagement(progress) -> None:
    progress.advance()


seed_engagement.steps = 1
