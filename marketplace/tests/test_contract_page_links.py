"""The contract page links the parties to the other apps' pages for that contract."""

from marketplace.models import ContractStatus
from marketplace.tests.factories import ContractFactory


def test_a_party_sees_how_to_open_a_dispute_on_an_active_contract(db, client):
    contract = ContractFactory()
    client.force_login(contract.freelancer)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert f'href="/contracts/{contract.pk}/dispute/"' in page


def test_a_disputed_contract_says_the_escrow_is_frozen_and_offers_no_second_dispute(db, client):
    contract = ContractFactory(status=ContractStatus.DISPUTED)
    client.force_login(contract.client)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "escrow is frozen" in page
    assert "/dispute/" not in page
