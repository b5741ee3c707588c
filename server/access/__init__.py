"""Who is calling: access tokens, their scopes, and the name every call is recorded under."""
