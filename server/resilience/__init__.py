"""The five resilience layers of Pattern 2. The executor composes them; each file is one layer."""
