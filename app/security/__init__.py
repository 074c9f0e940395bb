"""Authentication and authorisation: permissions, access checks, passwords, throttling."""
