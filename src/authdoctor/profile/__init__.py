"""Integration profiles: one file describing an integration, checked by ``authdoctor check``.

Many root causes never show up in a log line (a single-tenant app used with ``/common``,
scopes of two resources, a proxy without non-proxy hosts). A profile states the settings an
administrator can read off their screens; the rules in :mod:`authdoctor.profile.rules` find
the misconfigurations and compute the corrected values.
"""
