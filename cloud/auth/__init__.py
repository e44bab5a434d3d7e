"""Who is calling and what they may do: passwords, access and service tokens, login rate limits, roles."""
