"""Rendering helpers for people: text and charts built from the library's answers."""
