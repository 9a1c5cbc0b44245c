"""Gemcare: administration of jewelry protection plans and jewelry insurance."""
