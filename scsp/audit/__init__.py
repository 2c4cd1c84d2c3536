"""The audit trail: the access log (who looked at, downloaded, exported or was refused what,
and sign-in events) and the change history's index, both sealed in hash chains.

* :func:`record_access` (``scsp.audit.access``) is the one writer of access events; ``Kind``
  names what happened in plain words.
* ``scsp.audit.refusals``: every 403 and 404 is an access event, folded per minute.
* ``scsp.audit.changes``: one ChangeEvent per django-simple-history row.
* ``scsp.audit.chain``: the HMAC chains, their append lock and ``verify``.
* ``scsp.audit.retention``: the nightly retention job and its legal-hold exemption.
* ``scsp.audit.names``: record types in plain words.
"""

from scsp.audit.access import Kind, record_access
from scsp.proxy import client_ip  # the one rule for the client's address

__all__ = ["Kind", "client_ip", "record_access"]
