"""Tests of hsbp.ops."""
