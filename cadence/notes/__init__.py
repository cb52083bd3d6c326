"""Progress notes and group notes: writing, signing, co-signing, addenda, curricula and templates."""
