"""Log filters."""

import logging


class OneLineClientErrors(logging.Filter):
    """A refused request (403, 404, 400…) is the client's doing, not a bug: one line, without
    the traceback Django attaches (thousands of lines when someone probes the site). Server
    errors keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
