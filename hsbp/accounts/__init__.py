"""Account administration for site administrators."""
