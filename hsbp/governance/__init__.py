"""Shared governance above the features: the partnering sequence and the hand-over of a
leaving partner's work, which read several features at once."""
