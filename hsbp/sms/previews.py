"""What a send to many contacts will cost, before it goes: the texts per language exactly as
sent, their segments, how many people get each, and the total (templates/sms/_preview.html).

Broadcasts and a consultation's SMS invitations both build one, so a facilitator reads the
same figures, the same way, before confirming either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hsbp.sms import encoding


@dataclass
class SmsText:
    text: str  # normalised: exactly what is sent
    size: encoding.SegmentCount

    @classmethod
    def of(cls, text: str) -> SmsText:
        sent = encoding.normalise(text)
        return cls(sent, encoding.measure(sent))


@dataclass
class LanguagePreview:
    """The messages each contact of one language gets (a broadcast's one, an invitation's
    intro and first question), in order."""

    code: str
    messages: list[SmsText]
    recipients: int = 0
    fallback: int = 0  # of them, contacts with no text in their own language

    @property
    def segments(self) -> int:
        """Segments one recipient of this language costs."""
        return sum(message.size.segments for message in self.messages)

    @property
    def text(self) -> str:
        return self.messages[0].text

    @property
    def size(self) -> encoding.SegmentCount:
        return self.messages[0].size


@dataclass
class SmsPreview:
    languages: list[LanguagePreview] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # the partnership's languages not written
    recipients: int = 0
    opted_out: int | None = 0  # None where people who sent STOP are not counted apart
    # Left out for want of consent to what the message is for (a broadcast: news).
    without_consent: int = 0
    segments: int = 0
    # Reserved words the texts ask people to reply with (hsbp.sms.reserved_words).
    reserved: list = field(default_factory=list)

    def count(self, line: LanguagePreview, *, fallback: bool = False) -> None:
        """One more recipient of `line`'s texts (`fallback`: not in their own language)."""
        line.recipients += 1
        line.fallback += int(fallback)
        self.recipients += 1
        self.segments += line.segments
