"""The cap on uploaded files, applied while the request is parsed rather than after."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """Stands in for a file part that went past the cap: no content, only the size it reached, so
    the form refuses it with a message (an image field's size check) and nothing is stored."""

    def __init__(self, name: str, content_type: str, size: int, charset: str | None):
        super().__init__(None, name, content_type, size, charset)

    def open(self, mode=None):
        raise ValueError("An oversized upload has no content.")


class FileSizeLimitUploadHandler(FileUploadHandler):
    """First of the upload handlers: passes each file part's bytes on to the storing handlers
    (memory, temporary file) up to UPLOAD_FILE_MAX_BYTES and not one byte further."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.oversized = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_FILE_MAX_BYTES and not self.oversized:
            self.oversized = True
            self.discard_stored_part()
        # None stops the chunk here: the handlers that store it never see the excess.
        return None if self.oversized else raw_data

    def discard_stored_part(self):
        """Close what the storing handlers hold of this part (a temporary file is deleted on
        close), as Django's parser does for a skipped file."""
        for handler in self.request.upload_handlers if self.request else ():
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()

    def file_complete(self, file_size):
        if not self.oversized:
            return None  # the storing handler after this one returns the file
        return OversizedUpload(self.file_name, self.content_type, self.received, self.charset)
