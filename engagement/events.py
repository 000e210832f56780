"""Domain events of this app (Django signals), sent inside the service's transaction."""

from django.dispatch import Signal

message_sent = Signal()  # message
user_followed = Signal()  # follow
