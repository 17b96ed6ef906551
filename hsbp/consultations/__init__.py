"""Consultations over the web and by SMS, and the results that show common ground."""
