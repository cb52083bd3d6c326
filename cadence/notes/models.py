"""Progress notes and group notes: writing, signing, co-signing, addenda, curricula and templates."""

from __future__ import annotations
