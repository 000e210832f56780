"""Files and media: uploads (direct and presigned), content checks, virus scanning, image re-encoding, private
downloads and backups. The model lives in `models.py` and is part of the accounts app (table `uploaded_files`)."""
