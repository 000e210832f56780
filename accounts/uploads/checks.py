"""Start-up wiring of the uploads package (called from AccountsConfig.ready) and the loud warning when
virus scanning is off."""

import logging

from django.core import checks

from . import scanning

logger = logging.getLogger("accounts.uploads")

SCAN_OFF_MESSAGE = ("VIRUS SCANNING IS OFF: uploads are stored without a clamd scan. Set CLAMD_HOST (and "
                    "CLAMD_PORT) or CLAMD_SOCKET to scan every upload, as production must.")


# Not tagged "security": a deployment check run without clamd at hand must still pass; the warning shows in
# every plain `manage.py check` and at start-up instead.
@checks.register()
def scanner_check(app_configs=None, **kwargs):
    if scanning.scanner_configured():
        return []
    return [checks.Warning(SCAN_OFF_MESSAGE, id="uploads.W001",
                           hint="Debian: apt-get install clamav-daemon; see .ci/clamd/ for a local config.")]


def ready() -> None:
    from accounts import privacy

    from . import admin, privacy_part, services, tasks  # noqa: F401  (admin and tasks register on import)

    privacy.register("uploaded_files", privacy_part.export, privacy_part.erase, models=("accounts.UploadedFile",))
    try:
        from support import files as support_files
    except ImportError:  # support is optional for the accounts app
        pass
    else:
        support_files.register_scan_hook(services.scan_hook)
    if not scanning.scanner_configured():
        logger.warning(SCAN_OFF_MESSAGE)
