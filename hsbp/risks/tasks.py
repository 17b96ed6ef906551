"""The risks capability's background tasks: key-moment reminders."""
