"""gunicorn's settings, read from the working directory whenever gunicorn starts there.

The access log names the path without its query string, and no referrer: a query string or a
referring address could hold a client's identity code (atmt/identity_codes.py), and the app
cannot reach into gunicorn's log to take it out.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
