"""WSGI entry point: `gunicorn qaf.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaf.settings")

application = get_wsgi_application()
