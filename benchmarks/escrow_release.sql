-- pgbench script: one escrow release with the statements and locks billing.services.escrow.escrow_release runs
-- (contract, milestone, escrow, then the ledger accounts in id order; the release payment; a balanced ledger
-- transaction; cached balances; the escrow), without the Python around them (fee rows, events, invoices).
-- Each client takes the next escrow from the queue table benchmarks/escrow.py prepared.
SELECT escrow_id, contract_id, milestone_id, amount, client_id, freelancer_id, escrow_account, pending_account,
       revenue_account, round(amount * :fee_percent / 100, 2) AS fee
FROM bench_release_queue WHERE n = (SELECT nextval('bench_release_seq')) \gset
BEGIN;
SELECT id FROM contracts WHERE id = :contract_id FOR UPDATE;
SELECT id FROM milestones WHERE id = :milestone_id FOR UPDATE;
SELECT id, status, amount, released_amount, refunded_amount FROM escrow WHERE id = :escrow_id FOR UPDATE;
SELECT id, balance FROM ledger_accounts WHERE id IN (:escrow_account, :pending_account, :revenue_account)
    ORDER BY id FOR UPDATE;
INSERT INTO payments (payment_type, status, from_user_id, to_user_id, contract_id, milestone_id, escrow_id, amount,
                      currency, fee_amount, net_amount, description, gateway, gateway_reference, failure_reason,
                      available_at, created_at, completed_at)
    VALUES ('release', 'completed', :client_id, :freelancer_id, :contract_id, :milestone_id, :escrow_id, :amount,
            'USD', :fee, :amount - :fee, 'Escrow release (pgbench)', '', '', '', now() + interval '5 days', now(),
            now())
    RETURNING id AS payment_id \gset
INSERT INTO ledger_transactions (kind, description, escrow_id, payment_id, created_at)
    VALUES ('release', 'Escrow release (pgbench)', :escrow_id, :payment_id, now()) RETURNING id AS txn_id \gset
INSERT INTO ledger_entries (transaction_id, account_id, amount, currency, created_at) VALUES
    (:txn_id, :escrow_account, -(:amount), 'USD', now()),
    (:txn_id, :pending_account, :amount - :fee, 'USD', now()),
    (:txn_id, :revenue_account, :fee, 'USD', now());
UPDATE ledger_accounts SET balance = balance - :amount, updated_at = now() WHERE id = :escrow_account;
UPDATE ledger_accounts SET balance = balance + (:amount - :fee), updated_at = now() WHERE id = :pending_account;
UPDATE ledger_accounts SET balance = balance + :fee, updated_at = now() WHERE id = :revenue_account;
UPDATE escrow SET released_amount = amount, status = 'released', released_at = now(), updated_at = now()
    WHERE id = :escrow_id;
COMMIT;
