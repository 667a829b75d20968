import os
import sys

from django.core.wsgi import get_wsgi_application

from atmt.env import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atmt.settings")

try:
    application = get_wsgi_application()
except ConfigurationError as error:
    sys.exit(f"ATMT configuration error: {error}")
