"""An adapter must implement every call of the gateway interface, or it cannot even be created."""

import pytest

from billing.gateways.base import Gateway
from billing.gateways.manual import ManualGateway
from marketplace.search.backends import PostgresBackend, SearchBackend, SimpleBackend


def test_an_adapter_missing_a_call_cannot_be_created():
    class HalfGateway(Gateway):
        def create_funding(self, **kwargs):
            return None

    with pytest.raises(TypeError, match="abstract"):
        HalfGateway()


def test_the_shipped_adapters_and_search_backends_implement_their_whole_interface():
    assert ManualGateway()
    assert SimpleBackend() and PostgresBackend()
    with pytest.raises(TypeError, match="abstract"):
        SearchBackend()
