"""Everything that makes ATMT easy to try on a development machine, and nothing else.

This app is not installed in production mode, so none of its commands exist there.
"""
