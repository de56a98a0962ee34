"""gunicorn's settings when it starts in this folder: those of ``tutor.web.serving``."""

from tutor.web.serving import *  # noqa: F403
