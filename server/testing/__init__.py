"""Test helpers that ship with Pilothouse so module authors can use them in their own tests."""
