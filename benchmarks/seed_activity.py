"""Add proposals, contracts with milestones and escrow (balanced ledger), messages and notifications to a database
that seed_bulk filled with people and projects (PostgreSQL only; COPY).

    DATABASE_URL=postgres://... python benchmarks/seed_activity.py --proposals 5000000 --contracts 250000 \
        --messages 10000000 --notifications 1000000
"""

import argparse
import sys
import time

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--contracts", type=int, default=2_500)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--notifications", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    setup()
    from megilance import bulk

    started = time.monotonic()
    counts = bulk.generate(proposals=args.proposals, contracts=args.contracts, messages=args.messages,
                           notifications=args.notifications, batch=args.batch, seed=args.seed, stdout=sys.stdout)
    print(", ".join(f"{value} {name}" for name, value in counts.items()), f"in {time.monotonic() - started:.0f}s")


if __name__ == "__main__":
    main()
