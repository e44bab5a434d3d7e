"""HTTP plumbing shared by every domain router: dependencies, problem+json errors, time handling."""
