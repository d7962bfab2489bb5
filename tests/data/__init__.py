"""Tests of the bar store and its importers."""
