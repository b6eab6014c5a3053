"""A local stand-in for the WhatsApp Cloud API (and a Twilio-style SMS API), for ``make run``, the
tests and the benchmark. See :mod:`atlas_outbound.simulator.app`."""
