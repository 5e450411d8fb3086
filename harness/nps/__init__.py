"""The simulator services a target talks to during a run: the national portal (Cổng DVC quốc
gia) adapter, the payment platform, an SMS gateway and an SMTP sink, in one process.

The wire contract is PROTOCOL.md beside this file. Start it with `dokiem nps serve` (server.py)
or from Python with process.start_simulator; scenarios talk to it through client.NpsClient.
"""
