"""Records every warning cloud-init logs, for the reports of nocloud-driver.py and network-render.py: a problem
cloud-init only warns about (a part that fails to merge, an ignored MTU) must still fail the test."""

import logging


class WarningRecorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append("%s: %s" % (record.name, record.getMessage()))


def record_warnings():
    """Attaches a recorder to the root logger (everything from DEBUG up reaches handlers) and returns it."""
    recorder = WarningRecorder()
    logging.getLogger().addHandler(recorder)
    logging.getLogger().setLevel(logging.DEBUG)
    return recorder
