"""Verify the books: every ledger transaction sums to zero per currency, every cached balance (ledger accounts,
escrow rows) equals the sum of its entries, and no account holding someone's money is below zero.
Exits with status 1 and lists the differences when anything does not add up."""

from django.core.management.base import BaseCommand, CommandError

from billing.services.ledger import ledger_differences


class Command(BaseCommand):
    help = "Check that the ledger balances and that cached balances equal the sums of ledger entries."

    def handle(self, *args, **options):
        problems = ledger_differences()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"The ledger has {len(problems)} difference(s).", returncode=1)
        self.stdout.write(self.style.SUCCESS("The ledger balances; cached balances match their entries."))
