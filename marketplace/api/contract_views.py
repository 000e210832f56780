"""API for contracts, milestones, portfolio items and reviews. Thin: look up what the caller may see, validate,
call a service, answer with the fresh object."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.api.serializers import DetailSerializer
from accounts.models import Role, User
from accounts.selectors import person_summary_columns
from megilance.api.exceptions import Forbidden, NotFound
from megilance.api.permissions import ReadOnlyOrAuthenticated
from megilance.api.serializers import DictRowsListMixin

from .. import contract_selectors as selectors
from ..models import (
    Contract,
    ContractStatus,
    ContractType,
    Milestone,
    MilestoneStatus,
    PortfolioItem,
    Project,
    Review,
)
from ..services import contracts, milestones, portfolio, reviews
from .contract_serializers import (
    ContractCancelSerializer,
    ContractCreateSerializer,
    ContractSerializer,
    ContractUpdateSerializer,
    MilestoneCreateSerializer,
    MilestoneRejectSerializer,
    MilestoneSerializer,
    MilestoneSubmitSerializer,
    MilestoneUpdateSerializer,
    PortfolioItemSerializer,
    ReviewCreateSerializer,
    ReviewRemoveSerializer,
    ReviewReplySerializer,
    ReviewSerializer,
    ReviewStatsSerializer,
    ReviewUpdateSerializer,
)


def _errors(*codes: int) -> dict:
    return dict.fromkeys(codes, DetailSerializer)


# Contracts


class ContractFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices)
    contract_type = django_filters.ChoiceFilter(choices=ContractType.choices)
    project_id = django_filters.NumberFilter(field_name="project_id")
    client_id = django_filters.NumberFilter(field_name="client_id")
    freelancer_id = django_filters.NumberFilter(field_name="freelancer_id")

    class Meta:
        model = Contract
        fields = ["status", "contract_type", "project_id", "client_id", "freelancer_id"]


@extend_schema(tags=["contracts"])
class ContractViewSet(DictRowsListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contracts the caller is a party to. Only the two parties see a contract; anyone else gets 404."""

    serializer_class = ContractSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = ContractFilter
    ordering_fields = ["id", "created_at", "start_date", "amount", "status"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.contract_list_for(user=self.request.user, summary=self.action != "list")

    list_extra_columns = person_summary_columns("client", "freelancer")

    def list_rows(self, rows):
        # The page first, then the milestone counts of its contracts (one grouped query for the page).
        return selectors.milestone_summary_attach(rows)

    def _answer(self, contract: Contract, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.contracts_with_summary().get(pk=contract.pk)
        return Response(ContractSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(responses={200: ContractSerializer, **_errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=ContractCreateSerializer,
                   responses={201: ContractSerializer, **_errors(400, 401, 403, 404)})
    def create(self, request):
        """A direct hire: the client offers a contract on one of their projects to a freelancer."""
        serializer = ContractCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if request.user.role != Role.CLIENT:
            raise Forbidden("Only clients hire freelancers.")
        project = Project.objects.filter(pk=data.pop("project_id"), client=request.user).first()
        if project is None:
            raise NotFound("Project not found.")
        freelancer = User.objects.filter(pk=data.pop("freelancer_id"), role=Role.FREELANCER).first()
        if freelancer is None:
            raise ValidationError({"freelancer_id": ["Not an active freelancer."]})
        contract = contracts.contract_create(client=request.user, freelancer=freelancer, project=project, **data)
        return self._answer(contract, status.HTTP_201_CREATED)

    @extend_schema(request=ContractUpdateSerializer, responses={200: ContractSerializer, **_errors(400, 401, 403, 404)})
    def partial_update(self, request, *args, **kwargs):
        contract = self.get_object()
        serializer = ContractUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contract = contracts.contract_update(contract=contract, actor=request.user,
                                             data=dict(serializer.validated_data))
        return self._answer(contract)

    @extend_schema(request=None, responses={200: ContractSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The client closes the contract; refused while money is in escrow or work waits for an answer."""
        return self._answer(contracts.contract_complete(contract=self.get_object(), actor=request.user))

    @extend_schema(request=ContractCancelSerializer,
                   responses={200: ContractSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Either party ends the contract early; refused while money is in escrow or work is submitted."""
        contract = self.get_object()
        serializer = ContractCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(contracts.contract_cancel(contract=contract, actor=request.user,
                                                      reason=serializer.validated_data["reason"]))

    @extend_schema(request=None, responses={200: ContractSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """The client pauses the work."""
        return self._answer(contracts.contract_pause(contract=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={200: ContractSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """The client resumes a paused contract."""
        return self._answer(contracts.contract_resume(contract=self.get_object(), actor=request.user))


# Milestones


class MilestoneFilter(django_filters.FilterSet):
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices)

    class Meta:
        model = Milestone
        fields = ["contract_id", "status"]


@extend_schema(tags=["milestones"])
class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Milestones of the caller's contracts. The client plans them; the freelancer submits the work; the client
    approves (releasing the escrow) or rejects with feedback."""

    serializer_class = MilestoneSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = MilestoneFilter
    ordering_fields = ["id", "order", "due_date", "created_at", "amount"]
    ordering = ["contract_id", "order", "id"]

    def get_queryset(self):
        return selectors.milestone_list_for(user=self.request.user)

    def _answer(self, milestone: Milestone, code: int = status.HTTP_200_OK) -> Response:
        # Re-read: receivers (billing) may have moved the milestone on inside the same transaction.
        milestone.refresh_from_db()
        return Response(MilestoneSerializer(milestone, context=self.get_serializer_context()).data, status=code)

    @extend_schema(responses={200: MilestoneSerializer, **_errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=MilestoneCreateSerializer,
                   responses={201: MilestoneSerializer, **_errors(400, 401, 403, 404)})
    def create(self, request):
        serializer = MilestoneCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contract = selectors.contract_visible_to(user=request.user).filter(pk=data.pop("contract_id")).first()
        if contract is None:
            raise NotFound("Contract not found.")
        milestone = milestones.milestone_create(contract=contract, actor=request.user, **data)
        return self._answer(milestone, status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool) -> Response:
        milestone = self.get_object()
        serializer = MilestoneUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        milestone = milestones.milestone_update(milestone=milestone, actor=request.user,
                                                data=dict(serializer.validated_data))
        return self._answer(milestone)

    @extend_schema(request=MilestoneUpdateSerializer,
                   responses={200: MilestoneSerializer, **_errors(400, 401, 403, 404)})
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(request=MilestoneUpdateSerializer,
                   responses={200: MilestoneSerializer, **_errors(400, 401, 403, 404)})
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    @extend_schema(responses={204: None, **_errors(400, 401, 403, 404)})
    def destroy(self, request, *args, **kwargs):
        milestones.milestone_delete(milestone=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MilestoneSubmitSerializer,
                   responses={200: MilestoneSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The freelancer hands in the work with a description of the `deliverables`."""
        milestone = self.get_object()
        serializer = MilestoneSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(milestones.milestone_submit(milestone=milestone, actor=request.user,
                                                        **serializer.validated_data))

    @extend_schema(request=None, responses={200: MilestoneSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve submitted work; the milestone's escrow is released in the same transaction."""
        return self._answer(milestones.milestone_approve(milestone=self.get_object(), actor=request.user))

    @extend_schema(request=MilestoneRejectSerializer,
                   responses={200: MilestoneSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The client sends submitted work back with `feedback`."""
        milestone = self.get_object()
        serializer = MilestoneRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(milestones.milestone_reject(milestone=milestone, actor=request.user,
                                                        feedback=serializer.validated_data["feedback"]))


# Portfolio


class PortfolioFilter(django_filters.FilterSet):
    freelancer_id = django_filters.NumberFilter(field_name="freelancer_id")

    class Meta:
        model = PortfolioItem
        fields = ["freelancer_id"]


@extend_schema(tags=["portfolio"])
class PortfolioItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Freelancers' portfolios: public to read; each freelancer edits only their own items."""

    serializer_class = PortfolioItemSerializer
    permission_classes = [ReadOnlyOrAuthenticated]
    filterset_class = PortfolioFilter
    ordering_fields = ["id", "sort_order", "created_at", "completed_on"]
    ordering = ["freelancer_id", "sort_order", "-created_at", "-id"]

    def get_queryset(self):
        return selectors.portfolio_item_list()

    def _answer(self, item: PortfolioItem, code: int = status.HTTP_200_OK) -> Response:
        item = selectors.portfolio_item_list().get(pk=item.pk)
        return Response(PortfolioItemSerializer(item, context=self.get_serializer_context()).data, status=code)

    @extend_schema(responses={200: PortfolioItemSerializer, **_errors(404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=PortfolioItemSerializer,
                   responses={201: PortfolioItemSerializer, **_errors(400, 401, 403)})
    def create(self, request):
        serializer = PortfolioItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = portfolio.portfolio_item_create(freelancer=request.user, data=dict(serializer.validated_data))
        return self._answer(item, status.HTTP_201_CREATED)

    def _update(self, request, *, partial: bool) -> Response:
        item = self.get_object()
        if item.freelancer_id != request.user.pk:
            # Readable by all, writable by its owner only; anyone else is told it does not exist.
            raise NotFound("Portfolio item not found.")
        serializer = PortfolioItemSerializer(item, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        item = portfolio.portfolio_item_update(item=item, actor=request.user, data=dict(serializer.validated_data))
        return self._answer(item)

    @extend_schema(request=PortfolioItemSerializer,
                   responses={200: PortfolioItemSerializer, **_errors(400, 401, 404)})
    def update(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    @extend_schema(request=PortfolioItemSerializer,
                   responses={200: PortfolioItemSerializer, **_errors(400, 401, 404)})
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    @extend_schema(responses={204: None, **_errors(401, 404)})
    def destroy(self, request, *args, **kwargs):
        portfolio.portfolio_item_delete(item=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# Reviews


class ReviewFilter(django_filters.FilterSet):
    reviewee_id = django_filters.NumberFilter(field_name="reviewee_id")
    user_id = django_filters.NumberFilter(field_name="reviewee_id", label="Reviews received by this user")
    reviewer_id = django_filters.NumberFilter(field_name="reviewer_id")
    contract_id = django_filters.NumberFilter(field_name="contract_id")
    rating = django_filters.NumberFilter(field_name="rating")

    class Meta:
        model = Review
        fields = ["reviewee_id", "user_id", "reviewer_id", "contract_id", "rating"]


@extend_schema(tags=["reviews"])
class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Double-blind reviews. Published reviews are public; a hidden one is seen only by its author until the
    other side reviews too or the blind period ends."""

    serializer_class = ReviewSerializer
    permission_classes = [ReadOnlyOrAuthenticated]
    filterset_class = ReviewFilter
    ordering_fields = ["id", "created_at", "rating"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.review_list_for(user=self.request.user)

    def _answer(self, review: Review, code: int = status.HTTP_200_OK) -> Response:
        review = Review.objects.select_related("reviewer", "reviewee", "contract").get(pk=review.pk)
        return Response(ReviewSerializer(review, context=self.get_serializer_context()).data, status=code)

    @extend_schema(responses={200: ReviewSerializer, **_errors(404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=ReviewCreateSerializer, responses={201: ReviewSerializer, **_errors(400, 401, 403, 404)})
    def create(self, request):
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contract = selectors.contract_visible_to(user=request.user).filter(pk=data.pop("contract_id")).first()
        if contract is None:
            raise NotFound("Contract not found.")
        review = reviews.review_submit(contract=contract, reviewer=request.user, **data)
        return self._answer(review, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewUpdateSerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404)})
    def partial_update(self, request, *args, **kwargs):
        """The author edits a review that is still hidden; the reviewee may instead send `reply` (once)."""
        review = self.get_object()
        serializer = ReviewUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "reply" in data:
            if len(data) > 1:
                raise ValidationError({"reply": ["Send the reply on its own."]})
            review = reviews.review_reply(review=review, actor=request.user, reply=data["reply"])
        else:
            review = reviews.review_update(review=review, actor=request.user, data=data)
        return self._answer(review)

    @extend_schema(request=ReviewRemoveSerializer, responses={204: None, **_errors(400, 401, 403, 404, 409)})
    def destroy(self, request, *args, **kwargs):
        """Moderators remove a review with a `reason` (body or query); it leaves every list and average."""
        review = self.get_object()
        reason = request.data.get("reason") if hasattr(request.data, "get") else None
        reviews.review_remove(review=review, actor=request.user, request=request,
                              reason=str(reason or request.query_params.get("reason") or ""))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReviewReplySerializer, responses={200: ReviewSerializer, **_errors(400, 401, 403, 404)})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """The person reviewed answers a published review, once."""
        review = self.get_object()
        serializer = ReviewReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(reviews.review_reply(review=review, actor=request.user,
                                                 reply=serializer.validated_data["reply"]))

    @extend_schema(request=ReviewRemoveSerializer,
                   responses={200: ReviewSerializer, **_errors(400, 401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """Moderators take a review down with a reason (audited)."""
        review = self.get_object()
        serializer = ReviewRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(reviews.review_remove(review=review, actor=request.user, request=request,
                                                  reason=serializer.validated_data["reason"]))

    @extend_schema(request=None, responses={200: ReviewSerializer, **_errors(401, 403, 404, 409)})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Moderators put a removed review back (audited)."""
        return self._answer(reviews.review_restore(review=self.get_object(), actor=request.user, request=request))

    @extend_schema(
        parameters=[OpenApiParameter("user_id", int, OpenApiParameter.PATH)],
        responses={200: ReviewStatsSerializer, **_errors(404)},
    )
    @action(detail=False, methods=["get"], url_path=r"stats/(?P<user_id>\d+)", permission_classes=[AllowAny],
            filter_backends=[], pagination_class=None)
    def stats(self, request, user_id=None):
        """Average, count and per-star distribution of the published reviews a user has received."""
        if not User.objects.filter(pk=user_id, is_active=True).exists():
            raise NotFound("User not found.")
        return Response(ReviewStatsSerializer(selectors.review_stats(user_id=int(user_id))).data)
