"""Proposals: freelancers bid; the project's client shortlists, rejects or accepts (which creates the contract)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from megilance.api.exceptions import Forbidden
from megilance.api.filters import DjangoFilterBackend
from megilance.api.pagination import IdsFirstPagination

from .. import selectors
from ..filters import ProposalFilter
from ..services import proposals as services
from .serializers import (
    ProposalAcceptSerializer,
    ProposalRejectSerializer,
    ProposalSerializer,
    ProposalUpdateSerializer,
)

ERRORS = {400: DetailSerializer, 401: DetailSerializer, 403: DetailSerializer, 404: DetailSerializer}
ACTION_ERRORS = {**ERRORS, 409: DetailSerializer}


@extend_schema(tags=["proposals"])
class ProposalViewSet(viewsets.ModelViewSet):
    """A freelancer sees their own proposals, a client those on their projects; any other proposal is 404."""

    serializer_class = ProposalSerializer
    throttle_scope = {"create": "proposals"}  # rate limit (megilance/api/throttling.py)
    permission_classes = [IsAuthenticated]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProposalFilter
    pagination_class = IdsFirstPagination  # a busy freelancer has thousands of proposals
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.proposal_list(viewer=self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return ProposalUpdateSerializer
        return ProposalSerializer

    def _answer(self, proposal, code=status.HTTP_200_OK):
        proposal = selectors.proposal_list(viewer=self.request.user).get(pk=proposal.pk)
        return Response(ProposalSerializer(proposal, context=self.get_serializer_context()).data, status=code)

    @extend_schema(responses={201: ProposalSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        if not request.user.is_freelancer:
            raise Forbidden("Only freelancers submit proposals.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = selectors.project_get_visible(viewer=request.user, pk=data.pop("project_id"))
        if project is None:
            raise drf_serializers.ValidationError({"project_id": ["Project not found."]})
        proposal = services.proposal_submit(freelancer=request.user, project=project, **data)
        return self._answer(proposal, status.HTTP_201_CREATED)

    @extend_schema(request=ProposalUpdateSerializer, responses={200: ProposalSerializer, **ERRORS})
    def update(self, request, *args, **kwargs):
        proposal = self.get_object()
        serializer = self.get_serializer(proposal, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_update(proposal=proposal, actor=request.user, **serializer.validated_data)
        return self._answer(proposal)

    @extend_schema(request=ProposalUpdateSerializer, responses={200: ProposalSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={200: ProposalSerializer, 401: DetailSerializer, 404: DetailSerializer})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(responses={204: None, **ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.proposal_delete(proposal=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ProposalAcceptSerializer, responses={200: ProposalSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The project's client accepts the bid: the contract is created and the project is in progress."""
        proposal = self.get_object()
        serializer = ProposalAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_accept(proposal=proposal, actor=request.user,
                                            milestones=serializer.validated_data.get("milestones"))
        return self._answer(proposal)

    @extend_schema(request=ProposalRejectSerializer, responses={200: ProposalSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()
        serializer = ProposalRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_reject(proposal=proposal, actor=request.user,
                                            reason=serializer.validated_data.get("reason", ""))
        return self._answer(proposal)

    @extend_schema(request=None, responses={200: ProposalSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def shortlist(self, request, pk=None):
        proposal = services.proposal_shortlist(proposal=self.get_object(), actor=request.user)
        return self._answer(proposal)

    @extend_schema(request=None, responses={200: ProposalSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = services.proposal_withdraw(proposal=self.get_object(), actor=request.user)
        return self._answer(proposal)
