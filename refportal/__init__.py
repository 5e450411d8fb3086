"""refportal: the bundled reference Cổng dịch vụ công + Hệ thống một cửa điện tử.

A separate system that dokiem certifies over HTTP(S), SMTP and the national-portal protocol.
It never imports harness (and harness never imports it). Start it with `python -m refportal`.
"""

__version__ = "0.1.0"
