"""Domain events of the marketplace (Django signals). Services send them inside their transaction, so a
receiver that raises rolls the cause back (billing/receivers.py relies on that for escrow release)."""

from django.dispatch import Signal

project_published = Signal()  # project
project_updated = Signal()  # project
project_hidden = Signal()  # project, actor, reason
proposal_submitted = Signal()  # proposal
proposal_accepted = Signal()  # proposal, contract
proposal_rejected = Signal()  # proposal
proposal_withdrawn = Signal()  # proposal
contract_created = Signal()  # contract
contract_completed = Signal()  # contract
contract_cancelled = Signal()  # contract, actor
milestone_funded = Signal()  # milestone
milestone_submitted = Signal()  # milestone
milestone_approved = Signal()  # milestone, actor
milestone_rejected = Signal()  # milestone, actor
review_submitted = Signal()  # review
review_removed = Signal()  # review, actor, reason
project_viewed = Signal()  # project, viewer: a signed-in person other than the owner opened the project
