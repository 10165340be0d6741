"""Ongoing monitoring: watchlists and portfolios, re-screened when the lists change (reverse
search), alerts with analyst decisions, a hash-chained audit trail, webhooks and a delta feed.

Persistence is in :mod:`redlist.watch.storage` (portable SQL on the store's connection).
"""
