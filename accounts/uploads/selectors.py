"""Who may read which file. A file that is not clean is served to nobody; public assets to everyone; the rest
to the owner, to the people of what it is attached to, and to superusers."""

from django.db.models import Q, QuerySet

from .models import UploadBucket, UploadedFile, UploadKind, UploadStatus


def upload_list_owned(*, user) -> QuerySet[UploadedFile]:
    return UploadedFile.objects.filter(owner=user).exclude(
        status__in=[UploadStatus.EXPIRED, UploadStatus.REJECTED]).order_by("-created_at", "-id")


def upload_get_owned(*, user, pk) -> UploadedFile | None:
    return upload_list_owned(user=user).filter(pk=pk).first()


def _attached_visible_to(user) -> Q:
    from engagement.models import Conversation
    from marketplace.models import Contract, Project, Proposal

    proposals = Proposal.objects.filter(project__client=user).values("pk")
    projects = Project.objects.filter(Q(client=user) | Q(pk__in=Contract.objects.filter(
        freelancer=user).values("project_id"))).values("pk")
    conversations = Conversation.objects.filter(Q(client=user) | Q(freelancer=user)).values("pk")
    return (Q(kind=UploadKind.PROPOSAL_ATTACHMENT, target_type="proposal", target_id__in=proposals)
            | Q(kind=UploadKind.PROJECT_FILE, target_type="project", target_id__in=projects)
            | Q(kind=UploadKind.MESSAGE_ATTACHMENT, target_type="conversation", target_id__in=conversations))


def upload_get_readable(*, user, pk) -> UploadedFile | None:
    """The clean file `pk` if `user` (possibly anonymous) may download it."""
    files = UploadedFile.objects.filter(pk=pk, status=UploadStatus.CLEAN)
    public = Q(bucket=UploadBucket.ASSETS)
    if user is None or not user.is_authenticated:
        return files.filter(public).first()
    if user.is_superuser:
        return files.first()
    return files.filter(public | Q(owner=user) | _attached_visible_to(user)).first()
