"""Domain events of this app (Django signals), sent inside the service's transaction."""
