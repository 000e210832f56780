"""Billing services, one module per sub-domain. Every function that moves money locks its rows in one order:
contract, milestone, escrow (marketplace's order, extended), then ledger accounts in id order, then payments.

- ledger: ledger_account_get, ledger_post (the only writer of ledger rows)
- fees: fee_compute, fee_record
- escrow: escrow_fund, escrow_confirm_funding, escrow_fail_funding, escrow_expire, escrow_release,
  escrow_refund, escrow_freeze, escrow_unfreeze, escrow_resolve_split
- refunds: refund_request, refund_approve, refund_reject, refund_cancel, refund_process,
  refund_mark_processed, refund_mark_failed
- payments: payment_mature, payments_mature_due
- payouts: payout_request, payout_mark_paid, payout_mark_failed, payout_schedule_set, payouts_run_scheduled
"""
