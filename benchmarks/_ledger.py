"""The ledger invariants of billing.services.ledger.ledger_differences (what `manage.py ledger_check` runs),
as set-based SQL: the same checks in seconds on millions of rows, where the per-account loop of ledger_check
takes tens of minutes. The benchmarks run this after every write-heavy run; `ledger_check` itself is run once on
the full dataset (RESULTS.md)."""

from django.db import connection

CHECKS = {
    "transactions whose entries do not sum to zero": """
        SELECT count(*) FROM (SELECT transaction_id, currency FROM ledger_entries GROUP BY 1, 2
                              HAVING round(sum(amount), 2) <> 0) t""",
    "transactions without entries": """
        SELECT count(*) FROM ledger_transactions t
        WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)""",
    "accounts whose cached balance differs from their entries": """
        SELECT count(*) FROM ledger_accounts a
        LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY 1) s ON s.account_id = a.id
        WHERE a.balance <> round(coalesce(s.total, 0), 2)""",
    "holding accounts below zero": """
        SELECT count(*) FROM ledger_accounts
        WHERE purpose IN ('escrow', 'freelancer_pending', 'freelancer_available') AND balance < 0""",
    "contracts whose escrow rows hold another amount than their escrow account": """
        SELECT count(*) FROM ledger_accounts a
        LEFT JOIN (SELECT contract_id, currency, sum(amount - released_amount - refunded_amount) AS held
                   FROM escrow WHERE status IN ('funded', 'partially_released', 'disputed') GROUP BY 1, 2) h
               ON h.contract_id = a.contract_id AND h.currency = a.currency
        WHERE a.purpose = 'escrow' AND a.balance <> coalesce(h.held, 0)""",
    "escrow holding money without an escrow account": """
        SELECT count(*) FROM (SELECT DISTINCT contract_id, currency FROM escrow
                              WHERE status IN ('funded', 'partially_released', 'disputed')) e
        WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.purpose = 'escrow'
                          AND a.contract_id = e.contract_id AND a.currency = e.currency)""",
}


def ledger_violations() -> dict[str, int]:
    """{check: number of rows breaking it}; all zero when the books are right."""
    found = {}
    with connection.cursor() as cursor:
        for name, sql in CHECKS.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
    return found
