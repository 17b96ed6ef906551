"""A local fake of the part of Twilio's REST API hsbp uses, for tests and the demo."""

from hsbp.fake_twilio.server import FakeTwilio, run

__all__ = ["FakeTwilio", "run"]
