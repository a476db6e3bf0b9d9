"""
billhelpers.http
~~~~~~~~~~~~~~~~

The plumbing under :class:`billhelpers.client.Client`: BILL's session and its cache, the
response model, the error map, the retry decision, deadlines, paging, the production guard and
the server's clock. Builds on :mod:`billhelpers.rules`; knows nothing of resources or notebooks.
"""
