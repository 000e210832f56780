from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^upload/presigned-url/?$", views.PresignedUrlView.as_view(), name="upload-presigned-url"),
    re_path(r"^upload/incoming/?$", views.IncomingUploadView.as_view(), name="upload-incoming"),
    re_path(r"^upload/confirm/?$", views.ConfirmUploadView.as_view(), name="upload-confirm"),
    re_path(r"^upload/profile-image/?$", views.direct_upload_view("profile_image"), name="upload-profile-image"),
    re_path(r"^upload/portfolio-image/?$", views.direct_upload_view("portfolio_image"),
            name="upload-portfolio-image"),
    re_path(r"^upload/proposal-attachment/?$", views.direct_upload_view("proposal_attachment"),
            name="upload-proposal-attachment"),
    re_path(r"^upload/project-file/?$", views.direct_upload_view("project_file"), name="upload-project-file"),
    re_path(r"^upload/message-attachment/?$", views.direct_upload_view("message_attachment"),
            name="upload-message-attachment"),
    re_path(r"^files/?$", views.FileListView.as_view(), name="file-list"),
    re_path(r"^files/(?P<pk>[0-9]+)/?$", views.FileDetailView.as_view(), name="file-detail"),
    re_path(r"^files/(?P<pk>[0-9]+)/download/?$", views.download, name="file-download"),
]
